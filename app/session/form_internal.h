// What form.cpp and form_submit.cpp share inside the session library; not part of its
// interface (session/form.h is).
#pragma once

#include <cstddef>
#include <string>

#include "domain/form.h"

namespace yimen::session {
namespace detail {

// Zeroes every value, attachment and member of the draft and empties it.
void WipeDraft(ApplicationDraft* draft);
// A count as the banner shows it ("3").
std::string CountText(size_t count);

}  // namespace detail

using detail::CountText;
using detail::WipeDraft;

}  // namespace yimen::session
