#include "idcard/vendor_reader.h"

#include <dlfcn.h>

#include "common/wipe.h"
#include "idcard/vendor_abi.h"

namespace yimen::idcard {

struct VendorReader::Api {
  yimen_idr_open_fn open = nullptr;
  yimen_idr_present_fn present = nullptr;
  yimen_idr_read_fn read = nullptr;
  yimen_idr_error_fn error = nullptr;  // optional
  yimen_idr_close_fn close = nullptr;
};

namespace {

Error Setup(const std::string& message) { return MakeError(ErrorKind::kNeedsSetup, message); }

template <class Fn>
Fn Symbol(void* handle, const char* name) {
  return reinterpret_cast<Fn>(::dlsym(handle, name));
}

}  // namespace

Result<std::unique_ptr<VendorReader>> VendorReader::Load(const std::string& library_path,
                                                         std::string device) {
  // RTLD_LOCAL: a vendor SDK's own symbols must not resolve anything of ours.
  void* handle = ::dlopen(library_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return Setup("cannot load " + library_path + ": " + (why != nullptr ? why : "?"));
  }
  auto version = Symbol<yimen_idr_abi_version_fn>(handle, "yimen_idr_abi_version");
  auto api = std::make_unique<Api>();
  api->open = Symbol<yimen_idr_open_fn>(handle, "yimen_idr_open");
  api->present = Symbol<yimen_idr_present_fn>(handle, "yimen_idr_present");
  api->read = Symbol<yimen_idr_read_fn>(handle, "yimen_idr_read");
  api->error = Symbol<yimen_idr_error_fn>(handle, "yimen_idr_error");
  api->close = Symbol<yimen_idr_close_fn>(handle, "yimen_idr_close");
  std::string missing;
  if (version == nullptr) missing += " yimen_idr_abi_version";
  if (api->open == nullptr) missing += " yimen_idr_open";
  if (api->present == nullptr) missing += " yimen_idr_present";
  if (api->read == nullptr) missing += " yimen_idr_read";
  if (api->close == nullptr) missing += " yimen_idr_close";
  if (!missing.empty()) {
    ::dlclose(handle);
    return Setup(library_path + " lacks" + missing + " (docs/devices.md)");
  }
  if (const int v = version(); v != YIMEN_IDR_ABI_VERSION) {
    ::dlclose(handle);
    return Setup(library_path + " speaks ABI version " + std::to_string(v) + ", the kiosk " +
                 std::to_string(YIMEN_IDR_ABI_VERSION));
  }
  return std::unique_ptr<VendorReader>(
      new VendorReader(library_path, std::move(device), handle, std::move(api)));
}

VendorReader::VendorReader(std::string library, std::string device, void* handle,
                           std::unique_ptr<Api> api)
    : m_library(std::move(library)),
      m_device(std::move(device)),
      m_handle(handle),
      m_api(std::move(api)) {}

VendorReader::~VendorReader() {
  if (m_reader != nullptr) m_api->close(m_reader);
  if (m_handle != nullptr) ::dlclose(m_handle);
}

std::string VendorReader::LastError(const char* fallback) const {
  if (m_api->error != nullptr && m_reader != nullptr) {
    const char* text = m_api->error(m_reader);
    if (text != nullptr && text[0] != '\0') return std::string(text).substr(0, 200);
  }
  return fallback;
}

Status VendorReader::Check() {
  if (m_reader != nullptr) return Status::Ok();
  m_reader = m_api->open(m_device.c_str());
  if (m_reader == nullptr) {
    return MakeError(ErrorKind::kUnavailable, m_library + " cannot open the reader", kCodeNoDevice);
  }
  return Status::Ok();
}

Result<bool> VendorReader::CardPresent() {
  if (Status open = Check(); !open.ok()) return open.error();
  const int present = m_api->present(m_reader);
  if (present < 0) {
    return MakeError(ErrorKind::kUnavailable, LastError("the reader failed"), kCodeReader);
  }
  return present == 1;
}

Result<CardRead> VendorReader::Read() {
  if (Status open = Check(); !open.ok()) return open.error();
  std::vector<uint8_t> text(kTextBytes, 0);
  std::vector<uint8_t> photo(kPhotoBytes, 0);
  const int rc = m_api->read(m_reader, text.data(), photo.data());
  if (rc == 1) return MakeError(ErrorKind::kNotFound, "no card");
  if (rc == 2) {
    return MakeError(ErrorKind::kUnavailable, "the card left mid-read", kCodeCardLifted);
  }
  if (rc != 0) {
    return MakeError(ErrorKind::kUnavailable, LastError("the reader failed"), kCodeReader);
  }
  Result<CardText> decoded = DecodeCardText(text);
  yimen::Wipe(&text);
  if (!decoded.ok())
    return MakeError(ErrorKind::kUnavailable, decoded.error().message, kCodeBadCard);
  CardRead read;
  read.text = std::move(decoded.value());
  read.wlt_photo = std::move(photo);
  return read;
}

Result<std::unique_ptr<WltDecoder>> WltDecoder::Load(const std::string& library_path) {
  void* handle = ::dlopen(library_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return Setup("cannot load " + library_path + ": " + (why != nullptr ? why : "?"));
  }
  void* decode = ::dlsym(handle, "yimen_wlt_decode");
  if (decode == nullptr) {
    ::dlclose(handle);
    return Setup(library_path + " lacks yimen_wlt_decode (docs/devices.md)");
  }
  std::unique_ptr<WltDecoder> decoder(new WltDecoder());
  decoder->m_handle = handle;
  decoder->m_decode = decode;
  return decoder;
}

WltDecoder::~WltDecoder() {
  if (m_handle != nullptr) ::dlclose(m_handle);
}

Result<std::vector<uint8_t>> WltDecoder::Decode(const std::vector<uint8_t>& wlt) const {
  if (wlt.size() != kPhotoBytes) {
    return MakeError(ErrorKind::kInvalidArgument, "the photo is not 1024 bytes");
  }
  std::vector<uint8_t> rgb(static_cast<size_t>(YIMEN_WLT_WIDTH) * YIMEN_WLT_HEIGHT * 3, 0);
  auto decode = reinterpret_cast<yimen_wlt_decode_fn>(m_decode);
  if (decode(wlt.data(), rgb.data()) != 0) {
    yimen::Wipe(&rgb);
    return MakeError(ErrorKind::kInvalidArgument, "the decoder refused the photo");
  }
  return rgb;
}

}  // namespace yimen::idcard
