// Masked forms of a resident's name. The kiosk keeps only a masked name readable
// (docs/design.md decision 1); staff exports go one step further and keep only the surname.
// Compound surnames (欧阳, 司马…) count as the surname, so 欧阳燚 masks to 欧阳* and
// not to 欧*燚, which would show a given-name character instead.
#pragma once

#include <string>
#include <string_view>

namespace yimen {

// Number of code points of `name`'s surname: 2 for a known compound surname, else 1
// (0 for an empty name). Pure, any thread.
size_t SurnameLength(std::string_view name);

// The masked name kept with an application: the surname, then one '*' per given-name
// character except that a given name of two or more characters keeps its last one.
// 张三 → 张*, 张三丰 → 张*丰, 欧阳燚 → 欧阳*, 欧阳娜娜 → 欧阳*娜. Pure, any thread.
std::string MaskName(std::string_view name);

// The export form: surname and a single '*' whatever the name's length (张三丰 → 张*,
// 欧阳燚 → 欧阳*), applied to a name already masked or not. Empty stays empty. Pure.
std::string SurnameOnly(std::string_view name);

}  // namespace yimen
