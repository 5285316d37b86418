"""Reads of partner outreach, always inside the viewer's scope (missing and out of scope are
the same 404), by area: the registry of partners and agents, the cities, the callback
campaigns, the contact correction and the content calendar. Editions, distribution,
promotion and subsidies read through ``linli.outreach.distribution.selectors``. Callers use
``from linli.outreach import selectors`` and the names below."""

from linli.outreach.selectors.campaigns import (  # noqa: F401
    GROUP_BY,
    OUTCOME_GROUPS,
    TASK_FILTERS,
    CallStatistics,
    StatisticsRow,
    attempts_of,
    call_statistics,
    call_task_get,
    call_tasks,
    called_in_campaigns,
    campaign_choices,
    campaign_find,
    campaign_get,
    campaign_list,
    campaign_phases,
    next_call,
)
from linli.outreach.selectors.cities import (  # noqa: F401
    PLANS,
    CityRow,
    city_get,
    city_rows,
    city_type_for,
    city_type_totals,
    of_city_type,
)
from linli.outreach.selectors.content import (  # noqa: F401
    CONTENT_FILTERS,
    content_get,
    content_list,
    content_topics,
)
from linli.outreach.selectors.corrections import (  # noqa: F401
    REVIEW_FILTERS,
    agent_worklist,
    correction_get,
    correction_list,
    corrections_of,
    review_candidates,
    review_get,
    review_list,
    review_of,
    review_phase_counts,
    spot_check_candidates,
    spot_check_companies,
    spot_check_get,
    spot_checks,
    update_reminder_targets,
)
from linli.outreach.selectors.registry import (  # noqa: F401
    AGENT_FILTERS,
    CRITERIA_LOOKUPS,
    PARTNER_FILTERS,
    PARTNER_SORTS,
    agent_choices,
    agent_companies,
    agent_find,
    agent_get,
    agent_list,
    handover_targets,
    partner_cities,
    partner_criteria,
    partner_get,
    partner_list,
    partners_visible,
    saved_filter_get,
    saved_filter_params,
    saved_filters,
)
