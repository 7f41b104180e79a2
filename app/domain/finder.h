// The service finder's rules at work (the data is FinderSpec in domain/catalog.h, from
// catalog.json's "finder", docs/catalog.md "The finder"): which questions the picked
// situations need, and which services fit the answers, each with its one-line why. The
// result is a list of service codes so a visit can later apply for several at once.
// Pure and stateless; any thread.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/catalog.h"

namespace yimen {

// The pictures the kiosk can draw for a situation tile (FinderSituation::icon); the
// loader refuses any other name, so a catalog never names a picture the kiosk lacks.
std::span<const std::string_view> FinderIcons();

// The name of the age question (FinderQuestion::id): answered by a band, or from an ID
// number, which gives the exact age.
inline constexpr std::string_view kFinderAgeQuestion = "age";

struct FinderAnswers {
  std::vector<std::string> situations;         // the tiles picked, any order
  std::map<std::string, std::string> answers;  // question id -> option value
  std::optional<int> exact_age;                // completed years, from an ID number
};

struct FinderSuggestion {
  std::string service;  // a service code of the catalog
  LocalizedText why;    // the rule's why with {age} filled in
};

// The questions to ask after the tiles, in catalog order: those asked for every
// situation and those naming one that was picked. The age question is left out when the
// exact age is known.
std::vector<const FinderQuestion*> FinderQuestionsFor(const FinderSpec& finder,
                                                      const FinderAnswers& answers);

// The services whose rules hold, in rule order, each once (its first rule that holds
// gives the why). A condition on a question not answered does not hold.
std::vector<FinderSuggestion> SuggestServices(const FinderSpec& finder,
                                              const FinderAnswers& answers);

}  // namespace yimen
