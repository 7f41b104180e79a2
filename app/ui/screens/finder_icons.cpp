// One function per picture, on a unit square [-1, 1]² scaled to the tile (Pen).
#include "ui/screens/finder_icons.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace yimen::ui {
namespace {

struct Pen {
  ImDrawList* draw;
  ImVec2 c;
  float h;  // half the size: unit 1 in pixels
  ImU32 ink;
  ImU32 paper;
  float w;  // stroke width

  ImVec2 P(float x, float y) const { return ImVec2(c.x + x * h, c.y + y * h); }
  void Line(float x0, float y0, float x1, float y1, float scale = 1.0f) const {
    draw->AddLine(P(x0, y0), P(x1, y1), ink, w * scale);
  }
  void Disc(float x, float y, float r, ImU32 color) const {
    draw->AddCircleFilled(P(x, y), r * h, color, 32);
  }
  void Ring(float x, float y, float r, float scale = 1.0f) const {
    draw->AddCircle(P(x, y), r * h, ink, 48, w * scale);
  }
  void Box(float x0, float y0, float x1, float y1, float round = 0.0f) const {
    draw->AddRect(P(x0, y0), P(x1, y1), ink, round * h, 0, w);
  }
  void Fill(float x0, float y0, float x1, float y1, ImU32 color, float round = 0.0f) const {
    draw->AddRectFilled(P(x0, y0), P(x1, y1), color, round * h);
  }
};

// A stooped older person walking with a stick.
void Elder(const Pen& p) {
  p.Disc(-0.15f, -0.68f, 0.2f, p.ink);
  p.Line(-0.1f, -0.42f, 0.1f, 0.15f, 1.6f);  // bent back
  p.Line(0.1f, 0.15f, -0.15f, 0.9f, 1.4f);   // leg
  p.Line(0.1f, 0.15f, 0.35f, 0.9f, 1.4f);    // leg
  p.Line(-0.02f, -0.2f, 0.5f, 0.0f, 1.2f);   // arm to the stick
  p.Line(0.5f, 0.0f, 0.55f, 0.92f, 1.2f);    // stick
  p.Line(0.5f, 0.0f, 0.38f, -0.08f, 1.2f);   // its handle
}

// A person in a wheelchair (the access symbol's shape).
void Disability(const Pen& p) {
  p.Disc(-0.05f, -0.72f, 0.17f, p.ink);
  p.Line(-0.05f, -0.5f, -0.05f, 0.05f, 1.6f);  // back
  p.Line(-0.05f, 0.05f, 0.45f, 0.05f, 1.4f);   // thigh
  p.Line(0.45f, 0.05f, 0.6f, 0.6f, 1.4f);      // shin
  p.Line(-0.05f, -0.3f, 0.35f, -0.3f, 1.2f);   // arm
  p.Ring(-0.1f, 0.4f, 0.48f, 1.2f);            // wheel
}

// A medical cross on a round badge, and a capsule.
void Illness(const Pen& p) {
  p.Disc(-0.2f, -0.15f, 0.72f, p.ink);
  p.Fill(-0.32f, -0.6f, -0.08f, 0.3f, p.paper);
  p.Fill(-0.65f, -0.27f, 0.25f, -0.03f, p.paper);
  const float r = 0.17f;  // the capsule: two round ends and a body, halves told apart
  p.Disc(0.35f, 0.85f, r, p.ink);
  p.Disc(0.85f, 0.35f, r, p.ink);
  p.draw->AddLine(p.P(0.35f, 0.85f), p.P(0.85f, 0.35f), p.ink, 2.0f * r * p.h);
  p.draw->AddLine(p.P(0.47f, 0.47f), p.P(0.73f, 0.73f), p.paper, 0.06f * p.h);
}

// An open, empty purse with a downward arrow.
void LowIncome(const Pen& p) {
  p.Box(-0.85f, -0.35f, 0.45f, 0.7f, 0.12f);
  p.Line(-0.85f, -0.1f, 0.45f, -0.1f);
  p.Fill(0.15f, 0.1f, 0.55f, 0.4f, p.ink, 0.06f);  // clasp
  p.Line(0.75f, -0.9f, 0.75f, 0.1f, 1.3f);         // arrow down
  p.Line(0.52f, -0.18f, 0.75f, 0.1f, 1.3f);
  p.Line(0.98f, -0.18f, 0.75f, 0.1f, 1.3f);
}

// A warning triangle with an exclamation mark.
void Emergency(const Pen& p) {
  p.draw->AddTriangleFilled(p.P(0.0f, -0.9f), p.P(0.95f, 0.8f), p.P(-0.95f, 0.8f), p.ink);
  p.draw->AddLine(p.P(0.0f, -0.4f), p.P(0.0f, 0.25f), p.paper, 0.18f * p.h);
  p.Disc(0.0f, 0.52f, 0.1f, p.paper);
}

// A small child, arms open, beside an empty space where an adult would stand.
void Child(const Pen& p) {
  p.Disc(0.0f, -0.45f, 0.26f, p.ink);
  p.Line(0.0f, -0.18f, 0.0f, 0.35f, 1.8f);
  p.Line(0.0f, -0.05f, -0.45f, -0.3f, 1.3f);
  p.Line(0.0f, -0.05f, 0.45f, -0.3f, 1.3f);
  p.Line(0.0f, 0.35f, -0.25f, 0.85f, 1.4f);
  p.Line(0.0f, 0.35f, 0.25f, 0.85f, 1.4f);
  // a question mark's dot and hook above: nobody there
  p.draw->AddBezierCubic(p.P(0.45f, -0.85f), p.P(0.5f, -1.05f), p.P(0.95f, -0.95f),
                         p.P(0.75f, -0.65f), p.ink, p.w);
  p.Line(0.75f, -0.65f, 0.68f, -0.5f);
  p.Disc(0.67f, -0.32f, 0.06f, p.ink);
}

// A house with a crack through its wall.
void House(const Pen& p) {
  p.draw->AddTriangleFilled(p.P(-0.95f, -0.1f), p.P(0.0f, -0.9f), p.P(0.95f, -0.1f), p.ink);
  p.Box(-0.7f, -0.1f, 0.7f, 0.85f);
  p.Fill(-0.2f, 0.35f, 0.15f, 0.85f, p.ink);  // door
  // the crack
  const ImVec2 crack[] = {p.P(0.45f, -0.1f), p.P(0.3f, 0.15f), p.P(0.5f, 0.35f), p.P(0.35f, 0.6f)};
  p.draw->AddPolyline(crack, 4, p.ink, 0, p.w * 0.9f);
}

// A white chrysanthemum, as laid for the dead.
void Mourning(const Pen& p) {
  p.Line(0.0f, 0.1f, 0.0f, 0.95f, 1.2f);
  p.Line(0.0f, 0.55f, 0.35f, 0.35f);
  for (int i = 0; i < 10; ++i) {
    const float a = static_cast<float>(i) * 2.0f * std::numbers::pi_v<float> / 10.0f;
    p.Ring(0.42f * std::cos(a), -0.35f + 0.42f * std::sin(a), 0.2f, 0.8f);
  }
  p.Disc(0.0f, -0.35f, 0.2f, p.ink);
}

// Two wedding rings.
void Marriage(const Pen& p) {
  p.Ring(-0.3f, 0.15f, 0.5f, 1.5f);
  p.Ring(0.3f, 0.15f, 0.5f, 1.5f);
  p.draw->AddTriangleFilled(p.P(0.3f, -0.55f), p.P(0.48f, -0.8f), p.P(0.12f, -0.8f), p.ink);
}

// A clipboard with ticked lines.
void Register(const Pen& p) {
  p.Box(-0.65f, -0.75f, 0.65f, 0.9f, 0.08f);
  p.Fill(-0.3f, -0.9f, 0.3f, -0.6f, p.ink, 0.06f);
  for (int i = 0; i < 3; ++i) {
    const float y = -0.3f + 0.4f * static_cast<float>(i);
    p.Line(-0.45f, y, -0.32f, y + 0.12f);
    p.Line(-0.32f, y + 0.12f, -0.12f, y - 0.12f);
    p.Line(0.0f, y, 0.45f, y);
  }
}

}  // namespace

void DrawSituationIcon(ImDrawList* draw, std::string_view icon, ImVec2 center, float size,
                       ImU32 ink, ImU32 paper) {
  const Pen pen{draw, center, size * 0.5f, ink, paper, std::max(2.0f, size * 0.05f)};
  struct Picture {
    std::string_view name;
    void (*draw)(const Pen&);
  };
  static constexpr Picture kPictures[] = {{"elder", &Elder},         {"disability", &Disability},
                                          {"illness", &Illness},     {"low_income", &LowIncome},
                                          {"emergency", &Emergency}, {"child", &Child},
                                          {"house", &House},         {"mourning", &Mourning},
                                          {"marriage", &Marriage},   {"register", &Register}};
  for (const Picture& picture : kPictures) {
    if (picture.name == icon) picture.draw(pen);
  }
}

}  // namespace yimen::ui
