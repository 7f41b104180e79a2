// Handwriting recognition through zinnia with the tegaki Simplified Chinese model. A
// resident writes with a finger on the pad; after each stroke the pad asks for the
// best candidates. No ImGui here. UI thread (or any one thread at a time).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "domain/result.h"

namespace yimen::ime {

struct StrokePoint {
  float x = 0, y = 0;  // in the pad's own coordinates, 0..pad size
};
using Stroke = std::vector<StrokePoint>;

inline constexpr const char* kDefaultHandwritingModel =
    "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model";

class Handwriting {
 public:
  static Result<std::unique_ptr<Handwriting>> Open(const std::string& model_path =
                                                       kDefaultHandwritingModel);
  ~Handwriting();
  Handwriting(const Handwriting&) = delete;
  Handwriting& operator=(const Handwriting&) = delete;

  // The `limit` most likely characters for these strokes drawn on a pad of
  // width × height, best first. Empty for no strokes.
  std::vector<std::string> Recognize(const std::vector<Stroke>& strokes, float width,
                                     float height, size_t limit = 10) const;

 private:
  Handwriting() = default;
  void* m_recognizer = nullptr;  // zinnia::Recognizer
};

// Parses recorded stroke data: one stroke per line, points "x,y" separated by spaces,
// coordinates 0..1000 (tests/data/handwriting/*.strokes). kInvalidArgument with the
// line number on bad input.
Result<std::vector<Stroke>> ParseStrokes(const std::string& text);

}  // namespace yimen::ime
