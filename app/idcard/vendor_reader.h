// A reader behind a vendor SDK, through the C ABI of vendor_abi.h, loaded with dlopen
// from the path the operator gives (--id-reader-lib). The library is loaded when the
// reader is made, not linked, so a kiosk without it starts as always.
#pragma once

#include <memory>
#include <string>

#include "idcard/reader.h"

namespace yimen::idcard {

class VendorReader : public IdCardReader {
 public:
  // Loads the library and looks up every function. kNeedsSetup when it is missing, lacks
  // a function or speaks another ABI version (the message says which).
  static Result<std::unique_ptr<VendorReader>> Load(const std::string& library_path,
                                                    std::string device);
  ~VendorReader() override;

  Status Check() override;
  Result<bool> CardPresent() override;
  Result<CardRead> Read() override;
  std::string Describe() const override { return "vendor library " + m_library; }

 private:
  struct Api;
  VendorReader(std::string library, std::string device, void* handle, std::unique_ptr<Api> api);
  std::string LastError(const char* fallback) const;

  const std::string m_library;
  const std::string m_device;
  void* m_handle = nullptr;  // dlopen's
  std::unique_ptr<Api> m_api;
  void* m_reader = nullptr;  // the library's
};

// The licensed WLT photo decoder (--wlt-decoder-lib), loaded the same way.
class WltDecoder {
 public:
  static Result<std::unique_ptr<WltDecoder>> Load(const std::string& library_path);
  ~WltDecoder();
  WltDecoder(const WltDecoder&) = delete;
  WltDecoder& operator=(const WltDecoder&) = delete;
  // 102 × 126 RGB; kInvalidArgument when the library refuses the bytes.
  Result<std::vector<uint8_t>> Decode(const std::vector<uint8_t>& wlt) const;

 private:
  WltDecoder() = default;
  void* m_handle = nullptr;
  void* m_decode = nullptr;
};

}  // namespace yimen::idcard
