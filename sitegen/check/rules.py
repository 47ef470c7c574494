"""The rule catalogue: stable IDs, severities, Chinese titles, explanations and sources.

``RULES`` are sitegen's own rules; they are registered, with the check modules that report
them, through the ``register_rules`` hook like a plugin's (``sitegen/builtin.py``).
``RULES_BY_ID`` reads every registered rule. Each rule has a page in the portal generated
from the registry. IDs never change meaning; retired rules keep their ID reserved.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "notice"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "notice": 2}

ARITHMETIC = "算术关系（合计 = 分项之和）"
RATE = "算术关系（比率 = 分子 ÷ 分母）"
PERFORMANCE_RULES = "财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）"
CONSISTENCY = "同一数据前后一致（同一文件中同一事项只能有一个数）"
DISCLOSURE_RULES = "财政部《地方预决算公开操作规程》（财预〔2016〕143号）"


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
    Rule("XREF-001", "XREF", "error", "汇总表与项目自评表不符",
         "项目绩效自评汇总表的每一行概括一张项目自评表：两处的全年预算数、全年执行数、自评得分和等级应相同"
         "（金额按公布精度比较）。",
         CONSISTENCY, "汇总表某项目得分 95，其自评表总分 90"),
    Rule("XREF-002", "XREF", "error", "同一项目的金额在两处不同",
         "文件中列出的项目金额（如情况说明逐项列出的预算数）应与项目汇总表同名行的同一列相同。",
         CONSISTENCY, "全南县 2022：说明中“社会治理网格化信息日常运营经费42.97万元”，汇总表为 42.7"),
    Rule("XREF-003", "XREF", "warning", "叙述中的金额在表格中找不到",
         "情况说明中写出的金额，应能在文件的表格数据中找到，或是其中两数之和、之差（如增减额）。"
         "找不到时列出最接近的表中数，供核对是否抄错；叙述也可能引用了表格之外的数，故定为警告。",
         CONSISTENCY, "叙述写 1480.14 万元，表中只有 1480.41"),
    Rule("XREF-004", "XREF", "error", "叙述中的自评得分与自评表不符",
         "情况说明写出的自评得分（“自评得分95.6分”）应等于对应自评表的总分，按叙述的精度比较。",
         CONSISTENCY, "叙述“项目自评89.2分”，部门整体自评表总分 95"),
    Rule("XREF-005", "XREF", "error", "叙述中的等级分布与项目自评表不符",
         "情况说明写出的各等级项目个数（“9个优，1个中，1个差”）应与各项目自评表的等级（未填等级的按总分划分）一致。",
         CONSISTENCY, "大厂县 2023：叙述“9个优，1个中，1个差”"),
    Rule("TARGET-001", "TARGET", "warning", "未达目标却得满分",
         "指标的年度目标值与实际完成值都能解析为同单位的数时，未达目标（如目标 ≥14000 人，实际 13829 人）"
         "应按比例扣分并说明偏差原因；得满分与完成情况矛盾。部分指标按档次计分，故定为警告。",
         PERFORMANCE_RULES, "目标 ≥14000人，实际 13829人，分值 10，得分 10"),
    Rule("UNIT-001", "UNIT", "warning", "金额单位与文件不符",
         "文件以万元为单位时，叙述中写作“元”、且数字与表中某个万元金额完全相同的金额，多半是单位印错"
         "（反之亦然）。不足四位数字的金额（100元、0.03元）可能只是巧合，不作判断。",
         "计量单位一致", "定西市 2023：“决算总收入1058.66元”，表中为 1058.66 万元"),
    Rule("COPY-001", "COPY", "warning", "项目目标或完成情况与其他项目逐字相同",
         "两个项目的绩效目标或实际完成情况（15 字以上）逐字相同，通常是照抄了另一项目的表格而未按本项目填写。",
         PERFORMANCE_RULES, "两个不同项目的年度目标一字不差"),
    Rule("COMPLETE-001", "COMPLETE", "warning", "缺少规定公开的说明事项",
         "部门预算和部门决算应说明“三公”经费、机关运行经费、政府采购、国有资产占用和预算绩效情况；"
         "文件的表格和说明中都找不到某一事项时提示。",
         DISCLOSURE_RULES, "决算说明没有提到政府采购"),
    Rule("COMPLETE-002", "COMPLETE", "warning", "项目自评表缺少资金或指标",
         "绩效自评的每张项目自评表应列出项目资金情况和绩效指标（财预〔2020〕10号 附件 项目支出绩效自评表）。",
         PERFORMANCE_RULES, "项目自评表只有目标，没有指标"),
    Rule("YEAR-001", "YEAR", "warning", "截止日期的年份与文件年度不符",
         "决算和绩效自评反映本年度，余额、资产等应“截至本年12月31日”；预算编制时为上年末。"
         "写成其他年份，多半是沿用了往年的文字。",
         "文件年度一致", "2023 年度决算写“截止2022年12月31日”"),
    Rule("YEAR-002", "YEAR", "warning", "叙述所指年度与文件年度不符",
         "绩效自评和决算评价的是本年度：“YYYY年…经费使用情况”应为本年；某年的金额应属本年或作为对比的上年。"
         "更早的年份多半是沿用往年文字。",
         "文件年度一致", "2023 年度自评写“了解我委2022年综治维稳经费使用情况”"),
)



@dataclass(frozen=True)
class RuleSet:
    """What ``register_rules`` returns: ``rules`` and the ``checks`` that report them, each
    ``check(doc: LoadedDocument, report: Reporter) -> None`` (reads, never mutates)."""

    rules: tuple[Rule, ...]
    checks: tuple[Callable, ...] = ()


class _Registered(Mapping):
    """Rule ID → ``Rule`` over every registered rule (built-in and plugins'), read live so a
    plugin named in ``site.yaml`` counts from the moment it is registered."""

    def __getitem__(self, rule_id: str) -> Rule:
        from ..plugins import rules_by_id
        return rules_by_id()[rule_id]

    def __iter__(self) -> Iterator[str]:
        from ..plugins import rules_by_id
        return iter(rules_by_id())

    def __len__(self) -> int:
        from ..plugins import rules_by_id
        return len(rules_by_id())


RULES_BY_ID: Mapping[str, Rule] = _Registered()


def registered_rules() -> list[Rule]:
    """Every registered rule, built-ins first, in catalogue order."""
    return list(RULES_BY_ID.values())
