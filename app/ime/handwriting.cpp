#include "ime/handwriting.h"

#include <zinnia.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/shared_library.h"

namespace yimen::ime {
namespace {

// zinnia's models were trained on a 300 × 300 canvas.
constexpr int kCanvas = 300;

// libzinnia is opened on first use through its C API, not linked, like librime
// (pinyin_input.cpp): the kiosk's start does not map it (docs/internals/input.md
// "Loading on first use").
struct Zinnia {
  decltype(&zinnia_recognizer_new) recognizer_new = nullptr;
  decltype(&zinnia_recognizer_destroy) recognizer_destroy = nullptr;
  decltype(&zinnia_recognizer_open) recognizer_open = nullptr;
  decltype(&zinnia_recognizer_classify) recognizer_classify = nullptr;
  decltype(&zinnia_character_new) character_new = nullptr;
  decltype(&zinnia_character_destroy) character_destroy = nullptr;
  decltype(&zinnia_character_set_width) character_set_width = nullptr;
  decltype(&zinnia_character_set_height) character_set_height = nullptr;
  decltype(&zinnia_character_add) character_add = nullptr;
  decltype(&zinnia_result_value) result_value = nullptr;
  decltype(&zinnia_result_size) result_size = nullptr;
  decltype(&zinnia_result_destroy) result_destroy = nullptr;
  std::string error;  // why it could not be loaded; "" when loaded
};

using shared_library::Bind;

// Any thread (a function-local static).
const Zinnia& Lib() {
  static const Zinnia z = [] {
    Zinnia out;
    constexpr const char* kSoname = YIMEN_ZINNIA_LIBRARY;
    void* lib = shared_library::Open(kSoname, &out.error);
    if (!lib) return out;
    Bind(lib, kSoname, "zinnia_recognizer_new", &out.recognizer_new, &out.error);
    Bind(lib, kSoname, "zinnia_recognizer_destroy", &out.recognizer_destroy, &out.error);
    Bind(lib, kSoname, "zinnia_recognizer_open", &out.recognizer_open, &out.error);
    Bind(lib, kSoname, "zinnia_recognizer_classify", &out.recognizer_classify, &out.error);
    Bind(lib, kSoname, "zinnia_character_new", &out.character_new, &out.error);
    Bind(lib, kSoname, "zinnia_character_destroy", &out.character_destroy, &out.error);
    Bind(lib, kSoname, "zinnia_character_set_width", &out.character_set_width, &out.error);
    Bind(lib, kSoname, "zinnia_character_set_height", &out.character_set_height, &out.error);
    Bind(lib, kSoname, "zinnia_character_add", &out.character_add, &out.error);
    Bind(lib, kSoname, "zinnia_result_value", &out.result_value, &out.error);
    Bind(lib, kSoname, "zinnia_result_size", &out.result_size, &out.error);
    Bind(lib, kSoname, "zinnia_result_destroy", &out.result_destroy, &out.error);
    return out;
  }();
  return z;
}

zinnia_recognizer_t* Rec(void* p) { return static_cast<zinnia_recognizer_t*>(p); }

}  // namespace

Result<std::unique_ptr<Handwriting>> Handwriting::Open(const std::string& model_path) {
  const Zinnia& z = Lib();
  if (!z.error.empty()) {
    return MakeError(ErrorKind::kUnavailable,
                     "cannot load libzinnia (package libzinnia0): " + z.error);
  }
  std::unique_ptr<Handwriting> hw(new Handwriting());
  zinnia_recognizer_t* rec = z.recognizer_new();
  if (!rec) return MakeError(ErrorKind::kInternal, "zinnia would not create a recognizer");
  hw->m_recognizer = rec;
  if (!z.recognizer_open(rec, model_path.c_str())) {
    return MakeError(ErrorKind::kUnavailable, "cannot open the handwriting model " + model_path +
                                                  " (package tegaki-zinnia-simplified-chinese)");
  }
  return hw;
}

Handwriting::~Handwriting() {
  if (m_recognizer) Lib().recognizer_destroy(Rec(m_recognizer));
}

std::vector<std::string> Handwriting::Recognize(const std::vector<Stroke>& strokes, float width,
                                                float height, size_t limit) const {
  std::vector<std::string> out;
  if (strokes.empty() || width <= 0 || height <= 0) return out;
  const Zinnia& z = Lib();
  std::unique_ptr<zinnia_character_t, decltype(z.character_destroy)> character(z.character_new(),
                                                                               z.character_destroy);
  if (!character) return out;
  z.character_set_width(character.get(), kCanvas);
  z.character_set_height(character.get(), kCanvas);
  size_t id = 0;
  for (const Stroke& stroke : strokes) {
    if (stroke.empty()) continue;
    for (const StrokePoint& p : stroke) {
      int x = static_cast<int>(std::lround(p.x / width * kCanvas));
      int y = static_cast<int>(std::lround(p.y / height * kCanvas));
      z.character_add(character.get(), id, std::clamp(x, 0, kCanvas), std::clamp(y, 0, kCanvas));
    }
    ++id;
  }
  if (id == 0) return out;
  std::unique_ptr<zinnia_result_t, decltype(z.result_destroy)> result(
      z.recognizer_classify(Rec(m_recognizer), character.get(), limit), z.result_destroy);
  if (!result) return out;
  for (size_t i = 0; i < z.result_size(result.get()); ++i)
    out.emplace_back(z.result_value(result.get(), i));
  return out;
}

Result<std::vector<Stroke>> ParseStrokes(const std::string& text) {
  std::vector<Stroke> strokes;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    Stroke stroke;
    std::istringstream points(line);
    std::string point;
    while (points >> point) {
      size_t comma = point.find(',');
      char* end = nullptr;
      StrokePoint p;
      if (comma != std::string::npos) {
        p.x = std::strtof(point.c_str(), &end);
        bool x_ok = end == point.c_str() + comma;
        p.y = std::strtof(point.c_str() + comma + 1, &end);
        if (x_ok && end == point.c_str() + point.size() && p.x >= 0 && p.x <= 1000 && p.y >= 0 &&
            p.y <= 1000) {
          stroke.push_back(p);
          continue;
        }
      }
      return MakeError(ErrorKind::kInvalidArgument,
                       "line " + std::to_string(line_no) + ": \"" + point + "\" is not x,y in 0..1000");
    }
    if (!stroke.empty()) strokes.push_back(std::move(stroke));
  }
  return strokes;
}

}  // namespace yimen::ime
