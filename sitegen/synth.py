"""``sitegen synth``: a synthetic portal in the real content schema, for scale and checker tests.

Deterministic from a seed: every document is generated from its own ``random.Random``
keyed by (seed, unit, year, kind), so any one can be regenerated alone. Numbers are
consistent by construction (parts sum to totals, rates and shares are the rounded
ratios, scores follow the 财预〔2020〕10号 split), except for the inconsistencies planted on
purpose; each planted one is recorded in ``planted.json`` with the rule that must find it.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

PROVINCES = ("河北省", "江西省", "甘肃省", "河南省", "湖南省", "四川省", "山东省", "广西壮族自治区")
DEPARTMENTS = (("zfw", "政法委"), ("czj", "财政局"), ("jyj", "教育局"), ("gaj", "公安局"), ("mzj", "民政局"),
               ("sfj", "司法局"), ("wjj", "卫生健康局"), ("zjj", "住房和城乡建设局"), ("nyj", "农业农村局"),
               ("jtj", "交通运输局"), ("slj", "水利局"), ("hbj", "生态环境局"), ("scj", "市场监督管理局"),
               ("tjj", "统计局"), ("wlj", "文化广电和旅游局"), ("rsj", "人力资源和社会保障局"))
PROJECT_NAMES = ("综合治理经费", "“雪亮工程”运行维护费", "信访维稳经费", "见义勇为基金", "扫黑除恶专项经费",
                 "基层治理能力建设", "法治宣传教育经费", "网格化服务管理经费", "矛盾纠纷多元化解经费", "反邪教工作经费",
                 "信息化平台运行维护费", "干部教育培训经费", "安全生产监管经费", "应急保障经费", "社会心理服务体系建设",
                 "特殊人群服务管理经费", "政法四级网维保费", "平安建设宣传经费")
INDICATORS = {
    "产出指标": (("数量指标", "开展培训次数", "≥{n}次"), ("数量指标", "覆盖村（社区）数", "≥{n}个"),
                ("质量指标", "任务完成率", "≥{p}%"), ("质量指标", "验收合格率", "={p}%"),
                ("时效指标", "资金拨付及时率", "≥{p}%"), ("成本指标", "人均培训成本", "≤{m}元")),
    "效益指标": (("社会效益指标", "群众安全感", "≥{p}%"), ("社会效益指标", "矛盾纠纷化解率", "≥{p}%"),
                ("可持续影响指标", "长效机制建立", "健全"), ("经济效益指标", "减少经济损失", "显著")),
    "满意度指标": (("服务对象满意度指标", "群众满意度", "≥{p}%"), ("服务对象满意度指标", "干部满意度", "≥{p}%")),
}
GROUP_WEIGHTS = (("产出指标", 50), ("效益指标", 30), ("满意度指标", 10))
# Goal and result texts are drawn from these clauses (numbers filled in), four to a text, so
# that projects and units do not share text unless a COPY rule's case is planted.
GOAL_CLAUSES = ("全年组织开展专项培训{n}期", "覆盖辖区{n}个村（社区）", "排查化解矛盾纠纷{n}件", "新建基层服务站点{n}处",
                "完成视频监控点位维护{n}个", "印发宣传资料{n}万份", "走访重点人群{n}户次", "建成工作台账{n}本",
                "开展法律咨询服务{n}场", "落实网格员补贴{n}名", "举办联席会议{n}次", "完成信息系统升级{n}项",
                "组织应急演练{n}场次", "开展督导检查{n}轮", "受理群众来信来访{n}件", "选聘专职调解员{n}名",
                "更新执法记录设备{n}台", "开展入户宣讲{n}场", "完成平安创建达标单位{n}家", "培育志愿服务队伍{n}支",
                "召开工作推进会{n}次", "整改督查发现问题{n}项", "编印工作简报{n}期", "开展满意度回访{n}人次")
RESULT_CLAUSES = ("实际举办{n}期", "累计服务群众{n}人次", "办结事项{n}件", "投入使用站点{n}处", "验收合格设备{n}台",
                  "发放资料{n}份", "回访对象{n}户", "归档材料{n}卷", "提供咨询{n}次", "兑现补贴{n}人",
                  "形成会议纪要{n}份", "上线功能模块{n}个", "参演人员{n}人", "发现并督办问题{n}项", "化解信访积案{n}件",
                  "调解成功{n}起", "更新终端{n}台", "宣讲覆盖{n}户", "新增达标单位{n}家", "志愿者服务时长{n}小时")
# An indicator description of another field's library (rural film screenings), for COPY-003.
OFF_TOPIC_DESCRIPTION = "群众对当年农村公益电影放映的整体满意度"
FUNCTIONAL = (("201", "一般公共服务支出"), ("208", "社会保障和就业支出"), ("210", "卫生健康支出"), ("221", "住房保障支出"))
CENT = Decimal("0.01")


def q(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def pct(part: Decimal, whole: Decimal) -> str:
    return f"{q(part / whole * 100)}%" if whole else "0.00%"


def money(rng: random.Random, low: float, high: float) -> Decimal:
    return q(Decimal(rng.randint(int(low * 100), int(high * 100))) / 100)


def split(rng: random.Random, total: Decimal, n: int) -> list[Decimal]:
    """``n`` positive cent amounts summing exactly to ``total``."""
    cuts = sorted(rng.sample(range(1, int(total * 100)), n - 1)) if n > 1 else []
    bounds = [0, *cuts, int(total * 100)]
    return [Decimal(b - a) / 100 for a, b in zip(bounds, bounds[1:])]


def text_from(seed: object, key: str, clauses: tuple[str, ...], lead: str) -> str:
    """A goal or result text: ``lead`` and four clauses drawn for ``key`` (a pure function of
    its arguments, so a planted copy can reproduce another document's text)."""
    rng = random.Random(f"{seed}/text/{key}")
    chosen = [c.format(n=rng.randint(2, 999)) for c in rng.sample(clauses, 4)]
    return f"{lead}{'，'.join(chosen)}。"


def y(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


@dataclass
class Planted:
    unit: str
    year: int
    document: str
    rule: str
    path: str
    note: str


@dataclass
class Portal:
    units: int = 0
    documents: int = 0
    planted: list[Planted] = field(default_factory=list)
    seed: object = 1
    source_unit: str = ""   # the unit whose texts a COPY-002 plant copies (the first by id)


class DocumentWriter:
    """One document's YAML lines, with an optional planted inconsistency."""

    def __init__(self, rng: random.Random, unit: str, year: int, kind: str, target: str | None, portal: Portal):
        self.rng, self.unit, self.year, self.kind = rng, unit, year, kind
        self.target = target
        self.portal = portal
        self.lines: list[str] = []
        self.first_name = ""  # the first project's name (a COPY-001 plant copies its goal)

    def plant(self, rule: str, path: str, note: str) -> bool:
        """True (and recorded) at the first chance to plant this document's chosen error."""
        if rule != self.target:
            return False
        self.target = None
        self.portal.planted.append(Planted(self.unit, self.year, self.kind, rule, path, note))
        return True

    def figure(self, indent: str, path: str, label: str, key: str | None, amount: Decimal, parts: list, **extra) -> None:
        self.lines.append(f"{indent}- label: {y(label)}")
        if key:
            self.lines.append(f"{indent}  key: {key}")
        shown = amount
        if parts and "change" not in extra and self.plant("SUM-001", f"{path}.amount", "total 1.00 below the sum of its parts"):
            shown = amount - 1
        self.lines.append(f"{indent}  amount: {shown}")
        for name, value in extra.items():
            self.lines.append(f"{indent}  {name}: {y(value) if isinstance(value, str) else value}")
        if parts:
            self.lines.append(f"{indent}  parts:")
            for i, (part_label, part_key, part_amount) in enumerate(parts):
                share = pct(part_amount, shown)
                if self.plant("RATIO-002", f"{path}.parts[{i}].share", "share off by 1.5 points"):
                    share = f"{q(part_amount / shown * 100) + Decimal('1.5')}%"
                key_text = f", key: {part_key}" if part_key else ""
                self.lines.append(f"{indent}    - {{label: {y(part_label)}{key_text}, amount: {part_amount}, share: {y(share)}}}")


def _evaluation(w: DocumentWriter, indent: str, path: str, name: str, slug: str, actuals: bool) -> tuple[Decimal, Decimal, Decimal, str]:
    """A project table; returns (budget, executed, total score, grade)."""
    rng = w.rng
    budget = money(rng, 2, 400)
    executed = budget if rng.random() < 0.5 else q(budget * Decimal(rng.randint(70, 100)) / 100)
    rate = q(executed / budget * 100)
    lines = w.lines
    no_execution_row = False
    lines += [f"{indent}- slug: {slug}", f"{indent}  name: {y(name)}", f"{indent}  department: {y(w.unit)}"]
    if actuals:
        exec_score = q(min(rate, Decimal(100)) / 10)
        rate_text = f"{rate}%"
        if w.plant("RATIO-001", f"{path}.funding[0].execution_rate", "execution rate printed a tenth of its value"):
            rate_text = f"{q(rate / 10)}%"
        lines.append(f"{indent}  funding:")
        scored = f"weight: 10, execution_rate: {y(rate_text)}, score: {exec_score}"
        if w.plant("COMPLETE-003", f"{path}.indicators", "execution weighted only in the notes, no row for it"):
            scored, no_execution_row = f"execution_rate: {y(rate_text)}", True
        else:
            no_execution_row = False
        lines.append(f"{indent}    - {{label: 年度资金总额, key: total, initial: {budget}, adjusted: {budget}, executed: {executed}, {scored}}}")
        fiscal = budget - 1 if w.plant("SUM-003", f"{path}.funding[0].adjusted", "fiscal row 1.00 short of the total") else budget
        lines.append(f"{indent}    - {{label: 其中：财政拨款, key: fiscal, initial: {budget}, adjusted: {fiscal}, executed: {executed}}}")
    key = f"{w.unit}/{w.year}/{w.kind}/{slug}"
    goal = text_from(w.portal.seed, key, GOAL_CLAUSES, f"{name}：")
    if path == "projects[1]" and w.plant("COPY-001", f"{path}.goals[0].target", "goal copied from the first project"):
        goal = text_from(w.portal.seed, f"{w.unit}/{w.year}/{w.kind}/p01", GOAL_CLAUSES, f"{w.first_name}：")
    source = w.portal.source_unit
    if (path == "projects[0]" and w.kind == "self_evaluation" and source and w.unit > source
            and w.plant("COPY-002", f"{path}.goals[0].target", f"goal copied from unit {source}")):
        goal = text_from(w.portal.seed, f"{source}/{w.year}/{w.kind}/p01", GOAL_CLAUSES, f"{name}：")
    lines += [f"{indent}  goals:", f"{indent}    - target: {y(goal)}"]
    if path == "projects[0]":
        w.first_name = name
    if actuals:
        result = text_from(w.portal.seed, key, RESULT_CLAUSES, "已完成：")
        if w.plant("COPY-004", f"{path}.goals[0].result", "result restating the goal"):
            result = goal
        lines.append(f"{indent}      result: {y(result)}")
    lines.append(f"{indent}  indicators:")
    total = Decimal(0)
    count = rng.randint(10, 20)
    per_group = {"产出指标": max(4, count // 2), "效益指标": max(3, count // 3)}
    per_group["满意度指标"] = max(1, count - per_group["产出指标"] - per_group["效益指标"])
    index = 0
    for group, weight in GROUP_WEIGHTS:
        n = per_group[group]
        weights = [Decimal(weight // n + (1 if i < weight % n else 0)) for i in range(n)]
        for i, item_weight in enumerate(weights):
            level2, base, template = INDICATORS[group][(index + i) % len(INDICATORS[group])]
            target = template.format(n=rng.randint(2, 50), p=rng.choice((80, 85, 90, 95, 100)), m=rng.randint(50, 900))
            name = f"{base}{i + 1}"
            actual = target.lstrip("≥≤=")
            extra = ""
            at = f"{path}.indicators[{index + i}]"
            if level2 == "成本指标" and w.plant("TARGET-002", f"{at}.target", "cost indicator as a percentage"):
                target, actual = "≤100%", "100%"
            elif level2 == "成本指标" and w.plant("TARGET-003", f"{at}.target", "cost indicator with ≥"):
                target = "≥" + target.lstrip("≤")
            elif base == "覆盖村（社区）数" and w.plant("TARGET-010", f"{at}.target", "a quantity indicator in percent"):
                target, actual = "≥90%", "90%"
            elif base == "任务完成率" and w.plant("TARGET-004", f"{at}.target", "a rate in 次"):
                name, target, actual = "任务完成率", "≥12次", "12次"
            elif base == "开展培训次数" and actuals and w.plant("TARGET-005", f"{at}.actual", "count target, percentage actual"):
                actual = "100%"
            elif base == "长效机制建立" and w.plant("TARGET-006", f"{at}.target", "placeholder target"):
                target = "文字描述"
            elif base == "群众满意度" and actuals and w.plant("TARGET-007", f"{at}.actual", "actual written as a bound"):
                actual = target
            elif base == "干部满意度" and w.plant("COPY-003", f"{at}.description", "film-screening description"):
                extra = f", description: {y(OFF_TOPIC_DESCRIPTION)}"
            elif (base == "群众安全感" and actuals and not no_execution_row
                  and w.plant("TARGET-008", f"{at}.actual", "execution indicator 5 points off the funding rate")):
                name, target, actual = "预算执行进度", "≥80%", f"{q(rate - 5)}%"
            row = f"{indent}    - {{level1: {group}, level2: {level2}, name: {y(name)}, target: {y(target)}{extra}"
            if actuals:
                score = item_weight if rng.random() < 0.8 else item_weight - 1
                if w.plant("SCORE-002", f"{at}.score", "score above its weight"):
                    score = item_weight + 2
                total += score
                if score and base == "减少经济损失" and w.plant("TARGET-009", f"{at}.score", "scored without an actual"):
                    row += f", weight: {item_weight}, score: {score}"
                else:
                    row += f", actual: {y(actual)}, weight: {item_weight}, score: {score}"
                if score == item_weight and w.plant("SCORE-009", f"{at}.completion", "full item score graded 差"):
                    row += ", item_score: 100.00, completion: 差"
            lines.append(row + "}")
        index += n
    if not actuals:
        return budget, executed, Decimal(0), ""
    total_score = q(total + exec_score)
    grade = next(g for floor, g in ((90, "优"), (80, "良"), (60, "中"), (0, "差")) if total_score >= floor)
    stated_total = total_score
    if w.plant("SCORE-003", f"{path}.total_score", "total score 5 points above the sum"):
        stated_total = total_score + 5
    stated_grade = grade
    if w.plant("SCORE-004", f"{path}.grade", "grade one band off"):
        stated_grade = {"优": "良", "良": "优", "中": "差", "差": "中"}[grade]
    lines += [f"{indent}  total_weight: 100", f"{indent}  total_score: {stated_total}", f"{indent}  grade: {stated_grade}"]
    if no_execution_row:
        lines.append(f"{indent}  execution_weight: 10")
    return budget, executed, stated_total, stated_grade


def _header(w: DocumentWriter, title: str, narrative: str) -> None:
    w.lines += [f"kind: {w.kind}", f"year: {w.year}", f"title: {y(title)}", "money_unit: 万元",
                "source: synthetic", f"narrative: {narrative}"]


def budget(w: DocumentWriter, unit_name: str) -> tuple[str, str]:
    rng = w.rng
    personnel, office = money(rng, 100, 900), money(rng, 10, 90)
    basic = personnel + office
    project = money(rng, 50, 1200)
    total = basic + project
    _header(w, f"{unit_name}{w.year}年部门预算公开说明", "budget.md")
    w.lines.append("figures:")
    w.figure("  ", "figures[0]", "收入预算合计", "revenue", total,
             [("一般公共预算拨款收入", "general_public_budget", total - q(total / 50)), ("其他收入", "other_revenue", q(total / 50))],
             section="一、收支预算总体情况")
    w.figure("  ", "figures[1]", "支出预算合计", "expenditure", total, [("基本支出", "basic", basic), ("项目支出", "project", project)],
             section="一、收支预算总体情况")
    w.figure("  ", "figures[2]", "基本支出", "basic", basic, [("人员经费", "personnel", personnel), ("公用经费", "office", office)],
             section="二、基本支出")
    w.lines.append("projects:")
    for i in range(rng.randint(5, 15)):
        _evaluation(w, "  ", f"projects[{i}]", f"{PROJECT_NAMES[(i * 7 + w.year) % len(PROJECT_NAMES)]}", f"p{i + 1:02d}", actuals=False)
    office_unit = "元" if w.plant("UNIT-001", "narrative", "公用经费 written in 元 with the digits of its 万元 figure") else "万元"
    narrative = (f"## 一、收支预算总体情况\n\n{w.year}年收入预算合计{total}万元，支出预算合计{total}万元，其中基本支出{basic}万元、"
                 f"项目支出{project}万元。\n\n## 二、机关运行经费\n\n{w.year}年机关运行经费（公用经费）安排{office}{office_unit}。\n\n"
                 f"## 三、“三公”经费、政府采购和国有资产占用\n\n本单位{w.year}年未安排“三公”经费和政府采购预算；"
                 f"截至{w.year - 1}年12月31日，本单位无车辆。\n\n## 四、预算绩效\n\n{w.year}年全部项目编制了绩效目标。\n")
    return "\n".join(w.lines) + "\n", narrative


def final_accounts(w: DocumentWriter, unit_name: str) -> tuple[str, str]:
    rng = w.rng
    amounts = [money(rng, 20, 900) for _ in FUNCTIONAL]
    total = sum(amounts, Decimal(0))
    previous = q(total * Decimal(rng.randint(85, 115)) / 100)
    change = total - previous
    growth = pct(change, previous)
    if w.plant("RATIO-003", "figures[0].growth", "growth rate of the wrong sign"):
        growth = f"{-q(change / previous * 100) if change else Decimal('5.00')}%"
    _header(w, f"{unit_name}{w.year}年度部门决算公开说明", "final-accounts.md")
    w.lines.append("figures:")
    w.figure("  ", "figures[0]", "一般公共预算财政拨款支出", "general_public_expenditure", total,
             [(name, None, amount) for (_, name), amount in zip(FUNCTIONAL, amounts)],
             previous=previous, change=change, growth=growth, section="五、一般公共预算财政拨款支出决算情况说明")
    initial = q(total * Decimal(rng.randint(80, 120)) / 100)
    completion = pct(total, initial)
    if w.plant("RATIO-004", "figures[1].completion", "completion of the initial budget off by 3 points"):
        completion = f"{q(total / initial * 100) + 3}%"
    w.lines += ["  - label: 一般公共预算财政拨款支出（年初预算）", f"    amount: {total}", f"    initial: {initial}",
                f"    completion: {y(completion)}"]
    reception = money(rng, 0, 3)
    budgeted = reception + money(rng, 0, 1)
    w.lines += ["  - label: “三公”经费支出", "    key: three_public", f"    amount: {reception}", f"    adjusted: {budgeted}",
                "    parts:", f"      - {{label: 公务接待费, key: official_reception, amount: {reception}, adjusted: {budgeted}}}",
                "      - {label: 因公出国（境）费用, key: overseas_travel, amount: 0.00, adjusted: 0.00}"]
    as_of = w.year - 1 if w.plant("YEAR-001", "narrative", "assets dated at the end of the year before") else w.year
    narrative = (f"## 五、一般公共预算财政拨款支出决算情况说明\n\n{w.year}年度一般公共预算财政拨款支出{total}万元，"
                 f"较上年增加{change}万元，增长{growth}。\n\n## 六、其他重要事项\n\n本单位{w.year}年机关运行经费纳入基本支出；"
                 f"政府采购支出0万元；截至{as_of}年12月31日，国有资产中无车辆。{w.year}年对全部项目开展了预算绩效自评。\n")
    return "\n".join(w.lines) + "\n", narrative


def self_evaluation(w: DocumentWriter, unit_name: str) -> tuple[str, str]:
    rng = w.rng
    _header(w, f"{unit_name}{w.year}年度项目支出绩效自评报告", "self-evaluation.md")
    w.lines.append("projects:")
    rows = []
    for i in range(rng.randint(5, 15)):
        name = PROJECT_NAMES[(i * 5 + w.year) % len(PROJECT_NAMES)]
        rows.append((name, f"p{i + 1:02d}", *_evaluation(w, "  ", f"projects[{i}]", name, f"p{i + 1:02d}", actuals=True)))
    budget_total = sum((r[2] for r in rows), Decimal(0))
    executed_total = sum((r[3] for r in rows), Decimal(0))
    w.lines += ["project_summary:", "  title: 项目绩效自评情况汇总表", "  rows:"]
    for i, (name, slug, budget_amount, executed, score, grade) in enumerate(rows):
        if w.plant("XREF-001", f"project_summary.rows[{i}].executed", "row's executed 0.50 below its project table, total adjusted to match"):
            executed -= Decimal("0.50")
            executed_total -= Decimal("0.50")
        w.lines.append(f"    - {{no: \"{i + 1}\", name: {y(name)}, project: {slug}, adjusted: {budget_amount}, executed: {executed}, "
                       f"score: {score}, grade: {grade}}}")
    stated = executed_total + 1 if w.plant("SUM-002", "project_summary.total.executed", "executed total 1.00 above the rows") else executed_total
    w.lines += ["  total:", f"    adjusted: {budget_total}", f"    executed: {stated}"]
    narrative = (f"## 一、总体情况\n\n本单位{w.year}年开展绩效自评项目{len(rows)}个，全年预算{budget_total}万元，"
                 f"全年执行{executed_total}万元，执行率{pct(executed_total, budget_total)}。\n")
    return "\n".join(w.lines) + "\n", narrative


GENERATORS = (("budget", "budget.yaml", "budget.md", budget),
              ("final_accounts", "final-accounts.yaml", "final-accounts.md", final_accounts),
              ("self_evaluation", "self-evaluation.yaml", "self-evaluation.md", self_evaluation))
PLANTABLE = {
    "budget": ("SUM-001", "RATIO-002", "UNIT-001", "TARGET-002", "TARGET-003", "TARGET-004", "TARGET-006", "TARGET-010",
               "COPY-001", "COPY-003"),
    "final_accounts": ("RATIO-002", "RATIO-003", "RATIO-004", "YEAR-001"),
    "self_evaluation": ("RATIO-001", "SUM-002", "SUM-003", "SCORE-002", "SCORE-003", "SCORE-004", "XREF-001",
                        "TARGET-005", "TARGET-007", "TARGET-008", "TARGET-009", "SCORE-009", "COPY-002", "COPY-004",
                        "COMPLETE-003"),
}


def synthesize(out: Path, units: int, years: int, seed: int = 1, first_year: int = 2020, plant_rate: float = 0.3) -> Portal:
    """Write ``out/content/`` with ``units`` units × ``years`` years × 3 documents and
    ``out/planted.json``. Raises ``FileExistsError`` if ``out/content`` exists."""
    content = out / "content"
    content.mkdir(parents=True, exist_ok=False)
    # An absolute base_url, as a published portal has: the sitemap and the feed are written too.
    (content / "site.yaml").write_text("title: 合成测试门户\nsubtitle: sitegen synth 生成的合成数据\n"
                                       "base_url: https://synth.example.org/\n", encoding="utf-8")
    per_county = len(DEPARTMENTS)
    ids = [f"c{index // per_county + 1:04d}-{DEPARTMENTS[index % per_county][0]}" for index in range(units)]
    portal = Portal(units=units, seed=seed, source_unit=min(ids) if units > 1 else "")
    for index in range(units):
        county, department = divmod(index, per_county)
        code, dept_name = DEPARTMENTS[department]
        province = PROVINCES[county % len(PROVINCES)]
        city = f"第{county // 10 + 1}市"
        county_name = f"第{county + 1}县"
        unit_id = f"c{county + 1:04d}-{code}"
        unit_name = f"{county_name}{dept_name}"
        unit_dir = content / "units" / unit_id
        unit_dir.mkdir(parents=True)
        (unit_dir / "unit.yaml").write_text(
            f"name: {y(unit_name)}\nregion: {{province: {province}, city: {city}, county: {county_name}}}\nlevel: 县\n",
            encoding="utf-8")
        for year in range(first_year, first_year + years):
            year_dir = unit_dir / str(year)
            year_dir.mkdir()
            for kind, file_name, narrative_name, generate in GENERATORS:
                rng = random.Random(f"{seed}/{unit_id}/{year}/{kind}")
                target = rng.choice(PLANTABLE[kind]) if rng.random() < plant_rate else None
                writer = DocumentWriter(rng, unit_id, year, kind, target, portal)
                text, narrative = generate(writer, unit_name)
                (year_dir / file_name).write_text(text, encoding="utf-8")
                (year_dir / narrative_name).write_text(narrative, encoding="utf-8")
                portal.documents += 1
    (out / "planted.json").write_text(json.dumps([vars(p) for p in portal.planted], ensure_ascii=False, indent=1), encoding="utf-8")
    return portal
