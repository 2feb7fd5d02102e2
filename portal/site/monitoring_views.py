"""The site's monitoring pages: indicators (with a CSV and a page per cluster of schools), questionnaire results
(aggregates only, from enough responses) and the year's best mentors (consented fields only). The data comes
from portal/monitoring/public.py, which decides what may be shown; these views only lay it out."""
from __future__ import annotations

from flask import Response, abort

from portal.models import OrganisationCluster
from portal.monitoring import charts as result_charts
from portal.monitoring import reports

from . import bp, content
from .charts import bar_chart
from .views import render

CLUSTER_ABBREVIATIONS = {OrganisationCluster.LOW: "ШНОР", OrganisationCluster.MEDIUM: "ШСОР",
                         OrganisationCluster.HIGH: "ШВОР"}


@bp.get("/indicators/", defaults={"cluster": None})
@bp.get("/indicators/cluster/<cluster>/")
def indicators(cluster: str | None):
    snap = content.current()
    data = snap.monitoring.indicators
    chosen = None
    rows = data.rows
    if cluster is not None:
        chosen = next((c for c in OrganisationCluster if c.value == cluster), None)
        if chosen is None:
            abort(404)
        rows = [r for r in rows if r.cluster == chosen]
    progress = bar_chart("Выполнение дорожных карт, % мероприятий",
                         [(r.name, r.roadmap_percent) for r in rows if r.roadmap_percent], "chart-roadmaps")
    involved = bar_chart("Доля обучающихся, вовлечённых в наставничество, %",
                         [(r.name, round(r.pupils_share)) for r in rows if r.pupils_share], "chart-pupils")
    return render("site/indicators.html", data=data, rows=rows, chosen=chosen, clusters=CLUSTER_ABBREVIATIONS,
                  charts=[progress, involved])


@bp.get("/indicators/indicators.csv")
def indicators_csv() -> Response:
    return Response(reports.to_csv_bytes(content.current().monitoring.indicators), mimetype="text/csv")


@bp.get("/results/")
def questionnaire_results():
    results = content.current().monitoring.questionnaire_results
    charts = {(r.key, i): result_charts.distribution_svg(f"{r.key}-{i}", q.text, q.distribution, q.answered,
                                                          q.mean, q.scale_max)
              for r in results for i, q in enumerate(r.questions)}
    return render("site/questionnaire_results.html", results=results, charts=charts)


@bp.get("/best-mentors/", defaults={"year": None})
@bp.get("/best-mentors/<int:year>/")
def best_mentors(year: int | None):
    by_year = content.current().monitoring.best_mentors
    years = sorted(by_year, reverse=True)
    if year is None:
        year = years[0] if years else None
    elif year not in by_year:
        abort(404)
    return render("site/best_mentors.html", year=year, years=years, mentors=by_year.get(year, []))
