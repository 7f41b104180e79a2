// Staff commands: the kiosk's exit PIN and the staff accounts, set from the shell at
// installation (docs/operations.md "Staff").
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "common/secret_hash.h"
#include "common/wipe.h"
#include "host/commands.h"
#include "store/store.h"

namespace yimen::host {

// --set-staff-pin: the PIN that unlocks --kiosk mode (the staff PIN rule of
// common/secret_hash.h, digits only: the exit screen has a PIN pad), kept as an
// Argon2id hash at the staff cost in the store's settings.
int SetStaffPinCommand(const Flags& flags) {
  auto store = OpenDataDir(flags.data_dir);
  if (!store.ok()) return Fail(store.error().message);
  std::string pin = flags.set_staff_pin;
  if (pin == "-" && !std::getline(std::cin, pin)) return Fail("no PIN on standard input");
  const bool digits = pin.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || !yimen::secret::IsAcceptableStaffPin(pin)) {
    return Fail("the kiosk's exit PIN must be " + std::to_string(yimen::secret::kMinPinDigits) +
                " to " + std::to_string(yimen::secret::kMaxPinDigits) + " digits");
  }
  auto hash = yimen::secret::Hash(pin);
  yimen::Wipe(&pin);
  if (!hash.ok()) return Fail(hash.error().message);
  if (auto s = (*store)->settings().SetSetting("staff.exit_pin_hash", *hash); !s.ok())
    return Fail(s.error().message);
  (void)(*store)->AppendAudit("staff", "staff.pin_set", "");
  std::fprintf(stderr, "staff PIN set for %s\n", flags.data_dir.c_str());
  return 0;
}

// --add-staff NAME: a staff account for staff mode (the hidden gesture, then name and
// PIN). The first is made at installation; adding an existing name resets its PIN and
// its lockout. The PIN (8-20 digits, or a passphrase of 10-64 characters, though the
// login's PIN pad types digits only) comes from --pin or the first line of stdin.
int AddStaffCommand(const Flags& flags) {
  auto store = OpenDataDir(flags.data_dir);
  if (!store.ok()) return Fail(store.error().message);
  std::string pin = flags.staff_pin;
  if (pin.empty() || pin == "-") {
    if (isatty(STDIN_FILENO))
      std::fprintf(stderr, "PIN for %s (8-20 digits): ", flags.add_staff.c_str());
    if (!std::getline(std::cin, pin)) return Fail("no PIN on standard input");
  }
  auto added = (*store)->staff().AddStaffAccount(flags.add_staff, pin);
  yimen::Wipe(&pin);
  if (!added.ok()) return Fail(added.error().message);
  std::fprintf(stderr, "staff account \"%s\" set for %s\n", flags.add_staff.c_str(),
               flags.data_dir.c_str());
  return 0;
}

}  // namespace yimen::host
