// The four ways the fault tests fail the disk (I/O error or disk full, once or from
// then on), as a gtest parameter: submit_faults_test.cpp and visit_test.cpp run their
// loops under each.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "store/fault_vfs.h"

namespace yimen::testing {

struct FaultCase {
  Fault fault;
  bool persistent;
};

inline void PrintTo(const FaultCase& param, std::ostream* out) {
  *out << (param.fault == Fault::kIoError ? "I/O error" : "disk full")
       << (param.persistent ? ", persistent" : ", transient");
}

inline std::string FaultCaseName(const ::testing::TestParamInfo<FaultCase>& info) {
  return std::string(info.param.fault == Fault::kIoError ? "IoError" : "DiskFull") +
         (info.param.persistent ? "Persistent" : "Transient");
}

// For INSTANTIATE_TEST_SUITE_P(..., EveryFaultCase(), FaultCaseName).
inline auto EveryFaultCase() {
  return ::testing::Values(FaultCase{Fault::kIoError, false}, FaultCase{Fault::kIoError, true},
                           FaultCase{Fault::kDiskFull, false}, FaultCase{Fault::kDiskFull, true});
}

}  // namespace yimen::testing
