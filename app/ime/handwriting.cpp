#include "ime/handwriting.h"

#include <zinnia.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace yimen::ime {
namespace {

// zinnia's models were trained on a 300 × 300 canvas.
constexpr int kCanvas = 300;

zinnia::Recognizer* Rec(void* p) { return static_cast<zinnia::Recognizer*>(p); }

}  // namespace

Result<std::unique_ptr<Handwriting>> Handwriting::Open(const std::string& model_path) {
  std::unique_ptr<Handwriting> hw(new Handwriting());
  zinnia::Recognizer* rec = zinnia::Recognizer::create();
  if (!rec) return MakeError(ErrorKind::kInternal, "zinnia would not create a recognizer");
  hw->m_recognizer = rec;
  if (!rec->open(model_path.c_str())) {
    return MakeError(ErrorKind::kUnavailable, "cannot open the handwriting model " + model_path +
                                                  " (package tegaki-zinnia-simplified-chinese)");
  }
  return hw;
}

Handwriting::~Handwriting() { delete Rec(m_recognizer); }

std::vector<std::string> Handwriting::Recognize(const std::vector<Stroke>& strokes, float width,
                                                float height, size_t limit) const {
  std::vector<std::string> out;
  if (strokes.empty() || width <= 0 || height <= 0) return out;
  std::unique_ptr<zinnia::Character> character(zinnia::Character::create());
  character->set_width(kCanvas);
  character->set_height(kCanvas);
  size_t id = 0;
  for (const Stroke& stroke : strokes) {
    if (stroke.empty()) continue;
    for (const StrokePoint& p : stroke) {
      int x = static_cast<int>(std::lround(p.x / width * kCanvas));
      int y = static_cast<int>(std::lround(p.y / height * kCanvas));
      character->add(id, std::clamp(x, 0, kCanvas), std::clamp(y, 0, kCanvas));
    }
    ++id;
  }
  if (id == 0) return out;
  std::unique_ptr<zinnia::Result> result(Rec(m_recognizer)->classify(*character, limit));
  if (!result) return out;
  for (size_t i = 0; i < result->size(); ++i) out.emplace_back(result->value(i));
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
