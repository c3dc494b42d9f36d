"""Demo service requests of the demo city for ``seed_demo``: routing rules to the city's member departments,
ranking settings, the demo grid worker's assignment and visit log, and about two hundred requests (sixty at the
tiny scale) over the last five months, each simulated step by step on the working-day calendar up to now, so that
every state, deadline outcome, rating and the one-time reopen appear, with their timelines.

Deterministic (one ``random.Random`` with a fixed seed; all rows generated before the database is read) and
idempotent (requests matched on ``external_ref`` "demo:<n>", visits on worker + date, rules on their natural
keys; only missing rows are written). Nothing at the province scale (the benchmarks generate their own).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from shiliu.accounts.models import User
from shiliu.orgs.choices import AreaLevel, UnitStatus
from shiliu.orgs.demo import SHILIU, person_name, phone
from shiliu.orgs.models import Area, Unit

from .calendar import WorkCalendar
from .choices import Channel, DeadlineStep, Priority, Rating, RequestAction, RequestStatus, Result
from .deadlines import RuleBook, refresh_clock, step_due
from .defaults import defaults_ensure
from .models import (
    GridAssignment,
    GridVisit,
    RankingSettings,
    RequestAssist,
    RequestCategory,
    RequestEvent,
    RoutingRule,
    ServiceRequest,
)
from .tickets import ALPHABET, rating_code_hash

SEED = "shiliu-demo-requests"
SIZES = {"tiny": 60, "city": 200}
DAYS = 150
A, S = RequestAction, RequestStatus
# category code -> the member department (name suffix) that leads it
ROUTES = {
    "employment": "人力资源和社会保障局",
    "schooling": "教育局",
    "medical_care": "卫生健康委员会",
    "social_security": "民政局",
    "housing": "住房和城乡建设局",
    "legal_aid": "司法局",
    "dispute": "司法局",
    "discrimination": "民族宗教事务局",
    "infrastructure": "交通运输局",
    "other": "信访局",
}
ASSIST = {"dispute": "公安局", "discrimination": "司法局", "housing": "民政局", "schooling": "民政局"}
CATEGORY_WEIGHTS = {"employment": 14, "schooling": 14, "medical_care": 10, "social_security": 10, "housing": 12,
                    "legal_aid": 6, "dispute": 14, "discrimination": 3, "infrastructure": 12, "other": 5}  # fmt: skip
DESCRIPTIONS = {
    "employment": ["外来务工人员希望了解本地招聘会信息", "求职登记后一直没有收到岗位推荐", "咨询技能培训补贴如何申领"],
    "schooling": ["随迁子女入学需要准备哪些材料", "孩子转学手续办理遇到困难", "希望学校增设双语辅导课程"],
    "medical_care": ["异地就医备案不知道如何办理", "社区卫生服务站缺少常用药品", "老人慢病报销手续咨询"],
    "social_security": ["低保申请材料已提交，询问办理进度", "养老保险关系转移接续咨询", "临时救助申请"],
    "housing": ["公租房申请条件咨询", "楼道漏水多次反映未解决", "老旧小区改造施工噪音扰民"],
    "legal_aid": ["工资被拖欠，希望获得法律援助", "劳动合同纠纷咨询", "需要法律援助律师帮助起草诉状"],
    "dispute": ["邻里之间因停车位发生争执", "楼上装修噪音引发邻里矛盾", "宅基地边界纠纷需要调解"],
    "discrimination": ["商户因饮食习惯拒绝为顾客提供服务", "招聘启事中含有歧视性条件", "反映服务窗口对居民风俗习惯不尊重"],
    "infrastructure": ["小区路灯损坏夜间出行不便", "村道破损需要修补", "下水道堵塞污水外溢"],
    "other": ["建议在社区增设双语公示栏", "咨询社区活动场地预约方式", "反映广场舞音量过大"],
}  # fmt: skip
REPLIES = {
    Result.RESOLVED: ["已协调相关单位处理完毕，并电话告知居民。", "已按政策办理，居民表示认可。", "已现场处置，问题已解决。"],
    Result.PARTLY: ["已部分解决，剩余问题纳入下一步工作计划。", "已协调处理，但受条件限制暂未完全解决。"],
    Result.UNRESOLVED: ["不符合现行政策规定，已向居民解释说明。"],
}  # fmt: skip
VISIT_NOTES = ["走访辖区住户，宣传民族团结进步政策", "入户了解群众就业需求", "排查邻里矛盾纠纷", "走访独居老人",
               "宣传惠民政策和诉求办理渠道", ""]  # fmt: skip
CHANNELS = [(Channel.GRID, 35), (Channel.PHONE, 30), (Channel.WALK_IN, 15), (Channel.WEB, 20)]
H = datetime.timedelta(hours=1)


def _weighted(rng, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def _ticket(rng) -> str:
    body = "".join(rng.choice(ALPHABET) for _ in range(10))
    return f"SR-{body[:4]}-{body[4:8]}-{body[8:]}"


def _during_office(rng, cal: WorkCalendar, start: datetime.datetime, hours_low: float, hours_high: float):
    return cal.add_working_hours(start, rng.uniform(hours_low, hours_high))


class _Sim:
    """One request simulated step by step; steps later than ``now`` are not taken."""

    def __init__(self, request, now, cal, rules):
        self.r, self.now, self.cal, self.rules = request, now, cal, rules
        self.events: list[tuple] = []  # (action, at, from, to, actor, department, note, label)
        self.done = False
        self.stall = None

    def step(self, action, at, to=None, *, actor=None, department=None, note="", label=""):
        if self.done or at > self.now or action == self.stall:
            self.done = True
            return False
        source = self.r.status
        if to:
            self.r.status = to
        self.events.append(
            (action, at, source, self.r.status if to else source, actor, department, note, label)
        )
        return True


def seed_service_requests(*, scale: str, stdout=None) -> dict[str, int]:
    if scale not in SIZES:
        return {}
    city = Area.objects.filter(code=SHILIU.code).first()
    if city is None:
        return {}
    defaults_ensure()
    rng = random.Random(SEED)
    now = timezone.now()
    cal, rules = WorkCalendar(), RuleBook()
    categories = {c.code: c for c in RequestCategory.objects.filter(code__in=list(ROUTES))}
    departments = {
        suffix: Unit.objects.filter(
            area=city, is_member_department=True, status=UnitStatus.ACTIVE, name__endswith=suffix
        )
        .order_by("id")
        .first()  # fmt: skip
        for suffix in {*ROUTES.values(), *ASSIST.values()}
    }
    grids = list(
        Area.objects.filter(path__startswith=city.path, level=AreaLevel.GRID, is_active=True).order_by("path")
    )
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["demo_city_office", "demo_grid", "demo_department"])
    }
    office, grid_user = users.get("demo_city_office"), users.get("demo_grid")
    if not grids or office is None or not all(departments.get(s) for s in ROUTES.values()):
        return {}
    home_grid = grid_user.area if grid_user is not None and grid_user.area_id else grids[0]
    added = dict.fromkeys(("routing_rules", "requests", "events", "visits", "assignments"), 0)

    with transaction.atomic():
        # Routing rules at the city level, ranking settings of the city.
        have = set(RoutingRule.objects.filter(area=city).values_list("category__code", flat=True))
        new_rules = [
            RoutingRule(category=categories[code], area=city, area_path=city.path, department=departments[suffix])
            for code, suffix in ROUTES.items() if code not in have and code in categories
        ]  # fmt: skip
        RoutingRule.objects.bulk_create(new_rules)
        added["routing_rules"] = len(new_rules)
        RankingSettings.objects.get_or_create(area=city, defaults={"area_path": city.path, "min_requests": 5})

        # The demo grid worker: an assignment and a visit log over the last sixty days.
        visits_by_day = {}
        if grid_user is not None:
            start = timezone.localdate() - datetime.timedelta(days=365)
            _assignment, created = GridAssignment.objects.get_or_create(
                worker=grid_user, grid=home_grid, start=start, defaults={"area_path": home_grid.path}
            )
            added["assignments"] += int(created)
            today = timezone.localdate()
            wanted = []
            for back in range(60, 0, -1):
                day = today - datetime.timedelta(days=back)
                if cal.is_workday(day) and rng.random() < 0.6:
                    wanted.append(GridVisit(worker=grid_user, grid=home_grid, area_path=home_grid.path, visited_on=day,
                                            households_visited=rng.randint(6, 32), notes=rng.choice(VISIT_NOTES)))  # fmt: skip
            existing = set(GridVisit.objects.filter(worker=grid_user).values_list("visited_on", flat=True))
            fresh = [v for v in wanted if v.visited_on not in existing]
            GridVisit.objects.bulk_create(fresh)
            added["visits"] = len(fresh)
            visits_by_day = {
                v.visited_on: v for v in GridVisit.objects.filter(worker=grid_user, grid=home_grid)
            }

        # Requests, generated in full, then only the missing ones written.
        generated = []
        category_pairs = list(CATEGORY_WEIGHTS.items())
        for n in range(SIZES[scale]):
            code = _weighted(rng, category_pairs)
            grid = home_grid if rng.random() < 0.25 else grids[rng.randrange(len(grids))]
            channel = _weighted(rng, CHANNELS)
            if channel == Channel.GRID and grid != home_grid:
                channel = Channel.PHONE
            priority = Priority.EMERGENCY if rng.random() < 0.03 else (
                Priority.URGENT if rng.random() < 0.12 else Priority.NORMAL)  # fmt: skip
            # A third of the requests from the last week, so that every state is present today.
            back = rng.randint(0, 6) if rng.random() < 0.35 else rng.randint(0, DAYS)
            day = timezone.localdate() - datetime.timedelta(days=back)
            submitted = datetime.datetime.combine(day, datetime.time(rng.randint(8, 19), rng.randint(0, 59)),
                                                  cal.tz)  # fmt: skip
            if submitted > now:
                submitted = now - datetime.timedelta(minutes=rng.randint(5, 300))
            plan = {
                "reject": rng.random() < 0.05, "assist": code in ASSIST and rng.random() < 0.4,
                "accept_h": rng.uniform(0.2, 5), "sign_h": rng.uniform(0.1, 3.2), "work_h": rng.uniform(0.5, 2),
                "reply_h": rng.uniform(3, 30 if code in ("dispute", "discrimination") else 26),
                "verify_h": rng.uniform(1, 10), "rate_h": rng.uniform(4, 30),
                "result": _weighted(rng, [(Result.RESOLVED, 78), (Result.PARTLY, 15), (Result.UNRESOLVED, 7)]),
                "rating": _weighted(rng, [(Rating.SATISFIED, 66), (Rating.BASICALLY, 22), (Rating.DISSATISFIED, 12)]),
                "return": rng.random() < 0.04, "pause": rng.random() < 0.06, "ethnic": code == "discrimination",
                "rated": rng.random() < 0.85, "code": f"{rng.randrange(10**6):06d}", "ticket": _ticket(rng),
                "reply": rng.choice(REPLIES[Result.RESOLVED]), "reply_other": rng.choice(REPLIES[Result.PARTLY]),
                "description": rng.choice(DESCRIPTIONS[code]), "name": person_name(rng), "phone": phone(rng),
                # Some requests stall before a step: they run overdue and the sweep escalates them.
                "stall": rng.choice([None] * 14 + [A.ACCEPT, A.SIGN, A.START, A.REPLY, A.VERIFY]),
            }  # fmt: skip
            generated.append((n, code, grid, channel, priority, submitted, plan))

        refs = {f"demo:{n}" for n, *_rest in generated}
        existing = set(
            ServiceRequest.objects.filter(external_ref__in=refs).values_list("external_ref", flat=True)
        )
        requests, sims = [], []
        for n, code, grid, channel, priority, submitted, plan in generated:
            if f"demo:{n}" in existing:
                continue
            r = ServiceRequest(
                ticket=plan["ticket"], rating_code_hash=rating_code_hash(plan["ticket"], plan["code"]), channel=channel,
                category=categories[code], priority=priority, area=grid, area_path=grid.path,
                description=plan["description"], requester_name=plan["name"], requester_phone=plan["phone"],
                external_ref=f"demo:{n}", created_by=grid_user if channel == Channel.GRID else (
                    None if channel == Channel.WEB else office),
                status=S.SUBMITTED, submitted_at=submitted,
                visit=visits_by_day.get(submitted.date()) if channel == Channel.GRID else None,
            )  # fmt: skip
            sims.append(_simulate(r, plan, code, now, cal, rules, office, grid_user, departments))
            requests.append(r)
        ServiceRequest.objects.bulk_create(requests)
        assists, events = [], []
        for sim in sims:
            r = sim.r
            for unit in getattr(sim, "assisting", []):
                assists.append(RequestAssist(request=r, department=unit))
            for action, at, source, target, actor, department, note, label in sim.events:
                events.append(RequestEvent(request=r, action=action, from_status=source,
                                           to_status=target if target != source else "", actor=actor,
                                           actor_label=label if actor is None else "", department=department,
                                           note=note, created_at=at))  # fmt: skip
        RequestAssist.objects.bulk_create(assists)
        times = [e.created_at for e in events]
        RequestEvent.objects.bulk_create(events)  # auto_now_add stamps now ...
        for event, at in zip(events, times, strict=True):
            event.created_at = at
        RequestEvent.objects.bulk_update(
            events, ["created_at"], batch_size=500
        )  # ... so the real times go back
        added["requests"], added["events"] = len(requests), len(events)
    if stdout is not None:
        stdout.write("service requests: " + ", ".join(f"{k} {v}" for k, v in added.items()))
    return added


def _simulate(r, plan, code, now, cal, rules, office, grid_user, departments) -> _Sim:
    sim = _Sim(r, now, cal, rules)
    sim.office = office
    sim.stall = plan["stall"]
    submitter = grid_user if r.channel == Channel.GRID else (None if r.channel == Channel.WEB else office)
    sim.step(A.SUBMIT, r.submitted_at, S.SUBMITTED, actor=submitter, label="resident")
    r.accept_due = step_due(r, DeadlineStep.ACCEPT, r.submitted_at, cal, rules)
    t = cal.add_working_hours(r.submitted_at, plan["accept_h"])
    if plan["reject"]:
        if sim.step(A.REJECT, t, S.REJECTED, actor=office, note="诉求内容不明确，无法受理"):
            r.reject_reason = "诉求内容不明确，无法受理"
        return _finish(sim)
    if not sim.step(A.ACCEPT, t, S.ACCEPTED, actor=office):
        return _finish(sim)
    r.accepted_at = t
    lead = departments[ROUTES[code]]
    if plan["return"]:
        wrong = (
            departments[ROUTES["other"]]
            if lead != departments[ROUTES["other"]]
            else departments[ROUTES["housing"]]
        )
        t += 0.2 * H
        if not _dispatch(sim, r, wrong, t, office):
            return _finish(sim)
        t = cal.add_working_hours(t, 1)
        if not sim.step(A.RETURN, t, S.RETURNED, department=wrong, note="不属于本单位职责，申请退回"):
            return _finish(sim)
        r.lead_department, r.dispatched_at, r.sign_due, r.reply_due = None, None, None, None
        r.return_count = 1
        r.accept_due = step_due(r, DeadlineStep.ACCEPT, t, cal, rules)
    t += 0.3 * H
    if not _dispatch(sim, r, lead, t, office):
        return _finish(sim)
    if plan["assist"] and departments.get(ASSIST[code]) and departments[ASSIST[code]] != lead:
        sim.assisting = [departments[ASSIST[code]]]
    t = cal.add_working_hours(t, plan["sign_h"])
    if not sim.step(A.SIGN, t, S.SIGNED, department=lead):
        return _finish(sim)
    r.signed_at, r.signed_on_time = t, t <= r.sign_due
    t = cal.add_working_hours(t, plan["work_h"])
    if not sim.step(A.START, t, S.IN_PROGRESS, department=lead):
        return _finish(sim)
    r.started_at = t
    if plan["pause"]:
        paused = cal.add_working_hours(t, 2)
        if not sim.step(A.PAUSE, paused, department=lead, note="等待居民补充证明材料"):
            return _finish(sim)
        r.paused_at, r.pause_reason = paused, "等待居民补充证明材料"
        resumed = cal.add_working_hours(paused, 10)
        if not sim.step(A.RESUME, resumed, department=lead, note="材料已补齐"):
            return _finish(sim)
        seconds = cal.working_seconds_between(paused, resumed)
        r.reply_due = cal.add_working_seconds(r.reply_due, seconds)
        r.paused_at, r.pause_reason, r.paused_seconds = None, "", seconds
        t = resumed
    for round_ in (1, 2):
        t = cal.add_working_hours(t, plan["reply_h"] / round_)
        result = plan["result"] if round_ == 1 else Result.RESOLVED
        note = plan["reply"] if result == Result.RESOLVED else plan["reply_other"]
        if not sim.step(A.REPLY, t, S.REPLIED, department=lead, note=note):
            return _finish(sim)
        r.replied_at, r.replied_on_time = t, t <= r.reply_due
        r.result, r.reply_note = result, note
        r.result_reason = "" if result == Result.RESOLVED else "受政策和客观条件限制"
        r.verify_due = step_due(r, DeadlineStep.VERIFY, t, cal, rules)
        t = cal.add_working_hours(t, plan["verify_h"])
        if not sim.step(A.VERIFY, t, S.VERIFIED, actor=office):
            return _finish(sim)
        r.verified_at = t
        t += 0.1 * H
        if not sim.step(A.CLOSE, t, S.CLOSED, actor=office):
            return _finish(sim)
        r.closed_at = t
        if not plan["rated"]:
            return _finish(sim)
        t += datetime.timedelta(hours=plan["rate_h"])
        rating = plan["rating"] if round_ == 1 else Rating.BASICALLY
        if not sim.step(A.RATE, t, label="resident", note=str(Rating(rating).label)):
            return _finish(sim)
        if rating != Rating.DISSATISFIED or round_ == 2:
            r.rating, r.rated_at = rating, t
            return _finish(sim)
        # Dissatisfied: reopened once, under supervision; the department redoes it.
        sim.step(A.REOPEN, t, S.IN_PROGRESS, department=lead, label="system",
                 note="居民不满意：重新办理一次，并纳入督办。")  # fmt: skip
        r.reopened_count, r.is_supervised, r.supervised_at = 1, True, t
        r.replied_at = r.replied_on_time = r.verified_at = r.closed_at = r.verify_due = None
        r.result, r.result_reason = "", ""
        r.reply_due = step_due(r, DeadlineStep.REPLY, t, cal, rules)
    return _finish(sim)


def _dispatch(sim, r, department, t, office) -> bool:
    if not sim.step(A.DISPATCH, t, S.DISPATCHED, actor=office, department=department):
        return False
    r.lead_department, r.dispatched_at = department, t
    r.sign_due = step_due(r, DeadlineStep.SIGN, t, sim.cal, sim.rules)
    r.reply_due = step_due(r, DeadlineStep.REPLY, t, sim.cal, sim.rules)
    return True


def _finish(sim) -> _Sim:
    """The clock as the services would leave it; the sweep (``requests_sweep``) then sends what is due."""
    r = sim.r
    if r.category.code == "discrimination" and r.status not in (S.SUBMITTED, S.REJECTED):
        r.involves_ethnic_factors = True
        r.ethnic_factors_reason = "反映对风俗习惯的歧视，属于涉及民族因素的诉求"
        r.ethnic_factors_set_by, r.ethnic_factors_set_at = sim.office, r.accepted_at
    refresh_clock(r, cal=sim.cal, rules=sim.rules, now=sim.now)
    return sim


def flush_service_requests() -> None:
    """Delete the demo province's requests (with their events, assists, reminders and extensions), visits, grid
    assignments, routing rules and ranking settings (for ``seed_demo --flush``; run before the org tree goes)."""
    from shiliu.orgs.demo import DEMO_PREFIX

    with transaction.atomic():
        demo = ServiceRequest.objects.filter(area_path__startswith=DEMO_PREFIX)
        ServiceRequest.objects.filter(duplicate_of__in=demo).update(duplicate_of=None)
        demo.delete()
        for model in (GridVisit, GridAssignment, RoutingRule, RankingSettings):
            model.objects.filter(area_path__startswith=DEMO_PREFIX).delete()
