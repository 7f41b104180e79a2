// The crash-loop test's receipt journal: one line per receipt, each once, on disk at once.
#include "host/receipt_journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace yimen::host {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("yimen-journal-" + std::to_string(getpid()) + "-" + name))
      .string();
}

TEST(ReceiptJournal, RecordsEachReceiptOnceAndAtOnce) {
  const std::string path = TempPath("once");
  std::filesystem::remove(path);
  {
    ReceiptJournal journal(path.c_str());
    journal.Shown("A-0001");
    journal.Shown("A-0001");  // the same receipt screen drawn again
    EXPECT_EQ(ReadAll(path), "A-0001\n")
        << "written before the journal closes (a SIGKILL may come next)";
    journal.Shown("A-0002");
  }
  {
    ReceiptJournal again(path.c_str());  // a restarted kiosk appends
    again.Shown("A-0003");
  }
  EXPECT_EQ(ReadAll(path), "A-0001\nA-0002\nA-0003\n");
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::remove(path);
}

TEST(ReceiptJournal, NoPathOrABadOneRecordsNothing) {
  ReceiptJournal none(nullptr);
  none.Shown("A-0001");
  ReceiptJournal empty("");
  empty.Shown("A-0001");
  ReceiptJournal bad("/nonexistent-dir/journal");
  bad.Shown("A-0001");
  EXPECT_FALSE(std::filesystem::exists("/nonexistent-dir/journal"));
}

}  // namespace
}  // namespace yimen::host
