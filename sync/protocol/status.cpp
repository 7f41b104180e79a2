// The status list and the plain next-step sentence residents read at the kiosk.
#include "sync/protocol/status.h"

namespace yimen::protocol {

const std::vector<StatusSpec>& AllStatuses() {
  static const std::vector<StatusSpec> kStatuses = {
      {"已受理", "accepted", false, "您的申请已受理，请耐心等待审核，无需再次提交。"},
      {"审核中", "reviewing", false, "工作人员正在审核，可能会入户调查，请保持电话畅通。"},
      {"需补正", "needs_materials", true, "请按下方说明准备材料，带到社区服务大厅补交。"},
      {"初审通过", "preliminary_passed", false, "镇街初审已通过，正在等待区县审批，请耐心等待。"},
      {"部门协办中", "routed", false, "已转交相关部门协同办理，办理结果会在这里显示。"},
      {"公示中", "public_notice", false, "审批已通过，正在公示；公示期满无异议后生效。"},
      {"已批准", "approved", false, "申请已批准，待遇将按月发放到您登记的银行账户。"},
      {"不予批准", "refused", true, "申请未获批准，原因见下方；如有异议可到大厅咨询或申请复核。"},
      {"已办结", "closed", false, "此事项已办结。"},
  };
  return kStatuses;
}

const StatusSpec* FindStatus(std::string_view name_or_code) {
  for (const StatusSpec& spec : AllStatuses()) {
    if (name_or_code == spec.name || name_or_code == spec.code) return &spec;
  }
  return nullptr;
}

}  // namespace yimen::protocol
