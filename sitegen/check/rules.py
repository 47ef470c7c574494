"""The rule catalogue: stable IDs, severities, Chinese titles, explanations and sources.

Each rule has a page in the portal generated from this table. IDs never change meaning;
retired rules keep their ID reserved.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "notice"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "notice": 2}

ARITHMETIC = "算术关系（合计 = 分项之和）"
RATE = "算术关系（比率 = 分子 ÷ 分母）"
PERFORMANCE_RULES = "财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）"


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: Severity
    title: str
    explanation: str
    source: str
    example: str


RULES: tuple[Rule, ...] = (
    Rule("SUM-001", "SUM", "error", "合计与分项之和不符",
         "文件列出一个合计数及其“其中”分项时，分项之和应等于合计数。所有金额都按公布的小数位取整，"
         "n 个分项与合计各自四舍五入到 0.01 时，差额最多可达 0.005 × (n + 1)：此范围内的差额作为尾差提示，"
         "超出则为错误。分项之和小于合计时可能是文件只列了主要分项，定为警告；大于合计则为错误。",
         ARITHMETIC, "收入合计 1058.66 = 财政拨款收入 1056.66 + 其他收入 2.00"),
    Rule("SUM-002", "SUM", "error", "汇总表合计与各行之和不符",
         "项目绩效自评汇总表的合计行应等于各项目行之和（全年预算数、全年执行数各列分别核对）。",
         ARITHMETIC, "全南县 2022 年汇总表：全年执行数各行之和 1480.14，合计行为 1480.41"),
    Rule("SUM-003", "SUM", "error", "资金来源分项与资金总额不符",
         "绩效自评表“项目资金”中，年度资金总额应等于财政拨款、上年结转和其他资金之和"
         "（部门整体表中为基本支出与项目支出之和）。",
         ARITHMETIC, "部门整体支出 1056.66 = 基本支出 737.8 + 项目支出 318.86"),
    Rule("SUM-004", "SUM", "error", "增减额与本年、上年数不符",
         "文件同时给出本年数、上年数和增减额时，增减额应等于本年数减上年数。",
         ARITHMETIC, "项目经费支出 325.14 较上年 292.52 增加 32.62"),
    Rule("RATIO-001", "RATIO", "error", "预算执行率与执行数 ÷ 预算数不符",
         "预算执行率 = 全年执行数 ÷ 全年预算数（调整后）× 100%，按公布的小数位比较："
         "87% 与计算值 87.12% 一致；99.6% 与 100% 不一致。",
         RATE, "乐亭县 2023：939.10 ÷ 1677.95 = 55.97%"),
    Rule("RATIO-002", "RATIO", "error", "占比与分项 ÷ 合计不符",
         "“占 X%”应等于该分项除以其所属合计，按公布的小数位比较。",
         RATE, "财政拨款收入 1056.66 ÷ 收入合计 1058.66 = 99.81%"),
    Rule("RATIO-003", "RATIO", "error", "增长率与增减额 ÷ 上年数不符",
         "增长（下降）率 = 增减额 ÷ 上年数 × 100%。文件未给出上年数时，上年数按本年数减增减额推算，"
         "推算带来的取整误差计入容差。",
         RATE, "收支总计 1058.95，增加 24.62，增长 2.38%"),
    Rule("RATIO-004", "RATIO", "error", "完成年初预算比例与决算数 ÷ 年初预算数不符",
         "“完成年初预算的 X%” = 决算数 ÷ 年初预算数 × 100%。",
         RATE, "一般公共预算财政拨款支出 1054.28 ÷ 927.60 = 113.66%"),
    Rule("RATIO-005", "RATIO", "error", "汇总比例与其定义不符",
         "汇总表按其印出的公式给出的比例（如开展绩效自评项目预算占比）应等于公式的计算结果。",
         RATE, "开展绩效自评项目全年预算数合计 ÷ 部门项目支出全年预算数总额"),
    Rule("SCORE-001", "SCORE", "error", "指标分值之和不等于总分值",
         "各项指标分值（含预算执行率指标）之和应等于表中总分值，未列明时应为 100 分。",
         PERFORMANCE_RULES, "产出 50 + 效益 30 + 满意度 10 + 预算执行率 10 = 100"),
    Rule("SCORE-002", "SCORE", "error", "指标得分超过分值",
         "单项指标得分不得超过该指标的分值。",
         PERFORMANCE_RULES, "分值 10，得分 12"),
    Rule("SCORE-003", "SCORE", "error", "自评总分不等于各项得分之和",
         "自评总分 = 各项指标得分之和（含预算执行率得分）。表中未填的折算得分按“单项得分 × 权重”计算，"
         "表中未列的预算执行率指标按规定分值推定，并分别提示。",
         PERFORMANCE_RULES, "大厂县特困干警补贴：各指标得分均为 0，自评总分为 70"),
    Rule("SCORE-004", "SCORE", "error", "自评等级与得分不符",
         "自评等级按总分划分：90 分（含）以上为优，80（含）–90 分为良，60（含）–80 分为中，60 分以下为差。",
         PERFORMANCE_RULES, "得分 65，等级应为“中”"),
    Rule("SCORE-005", "SCORE", "warning", "预算执行率得分与执行率 × 分值不符",
         "预算执行率指标得分 = 执行率 × 该指标分值，执行率超过 100% 的按 100% 计。"
         "部分地区按档次计分，故定为警告。",
         PERFORMANCE_RULES, "执行率 95%，分值 10，得分应为 9.5"),
    Rule("SCORE-006", "SCORE", "error", "折算得分与单项得分 × 权重不符",
         "采用权重折算的表格中，折算得分 = 单项指标得分 × 权重占比 ÷ 100。",
         "表内说明（乐亭县 2023 部门整体绩效自评表 说明第 5 条）", "单项得分 100.00 × 权重 10% = 10"),
    Rule("SCORE-007", "SCORE", "error", "一级指标分值与所列分值不符",
         "表中在一级指标旁注明分值（如“产出指标（50）”）时，该组各三级指标分值之和应等于所注分值。",
         PERFORMANCE_RULES, "产出指标（50）：20 + 10 + 10 + 10 = 50"),
    Rule("SCORE-008", "SCORE", "notice", "推定表中未列出的预算执行率指标",
         "绩效自评表的指标分值合计为 90 分、且未单列预算执行率指标时，按财预〔2020〕10号的标准权重"
         "推定预算执行率指标分值 10 分、得分 = 执行率 × 10，并据此核对总分。这是推定，不是错误。",
         PERFORMANCE_RULES, "乐亭县 2023：9 项指标共 90 分，另有执行率 55.97% × 10 = 5.60 分"),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
