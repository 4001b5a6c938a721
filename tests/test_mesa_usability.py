"""The Mesa model as a Mesa modeller uses it: keywords, batch_run, reporters, space, views.

Each test is a wall a Mesa user hit (issue 26): ``mesa.batch_run`` sweeping parameters by
name, ``ConflictModel()`` with no arguments, ``running`` at the horizon, extra reporters,
SolaraViz drawing the contact graph, and a subclass with a behaviour of its own.
"""

import importlib.util
import re
from pathlib import Path

import mesa
import pandas as pd
import pytest
from mesa.discrete_space import Network
from mesa.experimental.scenarios import Scenario as MesaScenario

import conflictsim as cs
from conflictsim.model import REPORTERS
from conflictsim.runs import run_arm


def small(**changes):
    """A small office, counted from its start: quick to step."""
    org = cs.Organisation.generate(40, "office", seed=2)
    return cs.Scenario(org=org, days=12, warmup=0).with_(**changes)


def test_batch_run_sweeps_parameters_by_name_and_stops_at_the_horizon():
    rows = mesa.batch_run(
        cs.ConflictModel,
        parameters={"transmission": [0.02, 0.4], "size": 40, "org_seed": 2, "days": 12},
        rng=[1, 2],
        display_progress=False,
    )
    got = pd.DataFrame(rows)
    assert len(got) == 4
    # The default max_steps (1,000) is not reached: running turns False at the horizon.
    assert (got["Step"] == 12).all()
    for row in rows:
        # Each run is the scenario with that parameter, seeded by that rng.
        scn = small(params=cs.Params(transmission=row["transmission"]), warmup=20)
        model = cs.ConflictModel(scn, rng=[1, 2][row["iteration"]])
        model.run_for(12)
        last = model.daily_frame().iloc[-1]
        assert [row[k] for k in REPORTERS] == [last[k] for k in REPORTERS]
    # The swept parameter matters: more transmission, more conflict.
    by_t = got.groupby("transmission")["conflicts"].sum()
    assert by_t[0.4] > by_t[0.02]


def test_running_turns_false_at_the_horizon():
    model = cs.ConflictModel(small(days=3), rng=1)
    assert model.running
    model.step()
    model.step()
    assert model.running
    model.step()
    assert not model.running
    assert cs.ConflictModel(small(days=0), rng=1).running is False


def test_default_model_is_a_year_in_the_default_office():
    model = cs.ConflictModel(rng=3)
    assert model.org.size == 500
    assert model.setup.days == 250
    assert model.setup.warmup == cs.Scenario(model.org).warmup
    assert model.params == cs.Params()
    assert model.running
    model.run_for(3)
    same = cs.ConflictModel(cs.Scenario(cs.Organisation.generate()), rng=3)
    same.run_for(3)
    pd.testing.assert_frame_equal(model.daily_frame(), same.daily_frame())


def test_keywords_build_the_scenario_they_name():
    org = cs.Organisation.generate(40, "office", seed=2)
    prog = cs.Training("active_listening", target="managers")
    model = cs.ConflictModel(
        org=org, days=12, warmup=0, programmes=[prog, "deescalation"], recovery=0.3, rng=1
    )
    assert model.org is org
    assert model.setup.days == 12 and model.setup.warmup == 0
    assert model.params == cs.Params(recovery=0.3)
    assert [p.kind for p in model.setup.programmes] == ["active_listening", "deescalation"]
    assert cs.ConflictModel(small(programmes=[prog]), programmes="none").setup.programmes == ()
    # Keywords over a scenario change it; the scenario's own values stay otherwise.
    over = cs.ConflictModel(small(params=cs.Params(clash=0.2)), transmission=0.3, days=5, rng=1)
    assert over.params == cs.Params(clash=0.2, transmission=0.3)
    assert over.setup.days == 5 and over.org.size == 40
    # A generated organisation: preset, size and its own seed (not the replicate's).
    centre = cs.ConflictModel(org="call_centre", size=30, org_seed=4, rng=9)
    assert centre.org.fingerprint() == cs.Organisation.generate(30, "call_centre", 4).fingerprint()


def test_mesa_scenario_is_read_as_keywords():
    # What SolaraViz's Reset passes: Mesa's own Scenario, with the rng.
    viz = cs.ConflictModel(scenario=MesaScenario(rng=5, size=40, org_seed=2, transmission=0.3))
    plain = cs.ConflictModel(size=40, org_seed=2, transmission=0.3, rng=5)
    viz.run_for(3)
    plain.run_for(3)
    pd.testing.assert_frame_equal(viz.daily_frame(), plain.daily_frame())


def test_unknown_keyword_is_refused_naming_it_and_the_nearest():
    with pytest.raises(ValueError, match="'transmision'; did you mean 'transmission'"):
        cs.ConflictModel(transmision=0.1)
    with pytest.raises(ValueError, match="'sise'; did you mean 'size'"):
        cs.ConflictModel(sise=100)
    with pytest.raises(ValueError, match="'transmission'.*out of range"):
        cs.ConflictModel(size=20, transmission=2.0)
    with pytest.raises(ValueError, match="size was given with a scenario"):
        cs.ConflictModel(small(), size=100)
    with pytest.raises(ValueError, match="scenario must be a Scenario"):
        cs.ConflictModel("office")


class WithReporters(cs.ConflictModel):
    """A Mesa modeller's subclass: reporters of their own, none of the project's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.datacollector = mesa.DataCollector(
            model_reporters={"trained": lambda m: int(m.ever_trained.sum())},
            agent_reporters={"upset": "upset", "strain": "strain"},
        )
        self.datacollector.collect(self)


def test_extra_reporters_leave_summary_and_daily_frame_working():
    scn = small(programmes=[cs.Training("deescalation", target="managers")])
    plain = cs.ConflictModel(scn, rng=4)
    plain.run_for(12)
    mine = WithReporters(scn, rng=4)
    mine.run_for(12)
    assert mine.summary() == plain.summary()
    pd.testing.assert_frame_equal(mine.daily_frame(), plain.daily_frame())
    agents = mine.datacollector.get_agent_vars_dataframe()
    assert len(agents) == 13 * 40  # day 0 and 12 days, every employee
    assert list(mine.datacollector.get_model_vars_dataframe().columns) == ["trained"]
    # Reporters added to the default collector show up beside the project's.
    more = cs.ConflictModel(scn, rng=4)
    more.datacollector = mesa.DataCollector(
        model_reporters={**REPORTERS, "strained": lambda m: sum(a.strain > 2 for a in m.agents)}
    )
    more.run_for(12)
    assert "strained" in more.datacollector.get_model_vars_dataframe()
    assert more.summary() == plain.summary()


def test_the_contact_graph_is_a_mesa_network_one_employee_a_cell():
    model = cs.ConflictModel(small(), rng=1)
    space = model.space
    assert isinstance(space, Network)
    assert len(space.all_cells) == model.org.size == len(model.agents)
    for a in model.employees:
        assert a.cell is space[a.index]
        assert list(a.cell.agents) == [a]
        assert {c.coordinate for c in a.cell.neighborhood} == {b.index for b in a.contacts}
    org = model.org
    ties = zip(org.edge_src.tolist(), org.edge_dst.tolist(), org.edge_prob.tolist(), strict=True)
    assert {(min(s, d), max(s, d), q) for s, d, q in ties} == {
        (min(s, d), max(s, d), q) for s, d, q in space.G.edges(data="contact_prob")
    }


def test_random_choices_in_the_space_leave_the_simulation_alone():
    plain = cs.ConflictModel(small(), rng=6)
    plain.run_for(12)
    poked = cs.ConflictModel(small(), rng=6)
    for _ in range(4):
        poked.space.all_cells.select_random_cell()
        poked.space.all_cells.select_random_agent()
        poked.step()
    poked.run_for(8)
    pd.testing.assert_frame_equal(poked.daily_frame(), plain.daily_frame())


class Grudges(cs.ConflictModel):
    """A behaviour of one's own: a composed employee who holds a grudge is upset at work."""

    def triggers(self):
        grudges = [
            a
            for a in self.employees
            if a.present and not a.upset and any(g >= 1 for g in a.grievance.values())
        ]
        return super().triggers() + grudges


def test_a_subclass_runs_with_the_mesa_engine_and_the_fast_engine_warns_it_is_ignored():
    arms = {"baseline": small(), "listening": small(programmes=[cs.Training("active_listening")])}
    plain = cs.compare(arms, replicates=3, seed=1, engine="mesa")
    mine = cs.compare(arms, replicates=3, seed=1, engine="mesa", model_cls=Grudges)
    for arm in arms:  # grudges keep more people upset
        assert (
            mine.runs[arm].summary["mean_upset"].sum() > plain.runs[arm].summary["mean_upset"].sum()
        )
    one = run_arm(small(), 2, 1, engine="mesa", model_cls=Grudges).summary
    pd.testing.assert_frame_equal(one, mine.runs["baseline"].summary.iloc[:2])

    with pytest.warns(UserWarning, match="model_cls=Grudges is ignored.*engine='mesa'") as seen:
        fast = cs.compare(arms, replicates=3, seed=1, model_cls=Grudges)
    assert seen[0].filename == __file__  # the warning points at the caller's line
    pd.testing.assert_frame_equal(fast.table, cs.compare(arms, replicates=3, seed=1).table)
    with pytest.warns(UserWarning, match="model_cls=Grudges is ignored"):
        run_arm(small(), 2, 1, model_cls=Grudges)
    with pytest.raises(ValueError, match="model_cls must be ConflictModel or a subclass"):
        run_arm(small(), 2, 1, engine="mesa", model_cls=mesa.Model)


def _load_app():
    path = Path(__file__).parents[1] / "experiments" / "mesa_app.py"
    spec = importlib.util.spec_from_file_location("mesa_app", path)
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    return app


def test_the_solaraviz_app_draws_the_network_steps_and_resets():
    solara = pytest.importorskip("solara", reason="Mesa's viz extra: uv sync --extra viz")
    import ipyvuetify as v
    import ipywidgets
    from solara.widgets.widgets import GridLayout

    app = _load_app()
    _, rc = solara.render(solara.AppLayout(children=[app.page]), handle_error=False)

    def shown():
        items = rc.find(GridLayout).widget.items
        images = [w for w in items if isinstance(w, ipywidgets.Image)]
        (text,) = [w for w in items if not isinstance(w, ipywidgets.Image)]
        body = re.search(r"solara-markdown.*?</div>", text.template, re.S).group(0)
        return images, re.sub(r"<[^>]+>", " ", body)

    # The network (the model's Mesa space, laid out) and the daily plot, as pictures.
    images, legend = shown()
    assert len(images) == 2 and all(bytes(im.value[:4]) == b"\x89PNG" for im in images)
    assert app.renderer.space is app.model.space
    assert len(app.renderer.space_drawer.pos) == app.model.org.size == 100
    assert "Day 0 of 250" in legend and "100 employees" in legend
    assert {app.state(a) for a in app.model.employees} <= set(app.COLOURS)
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert app.model.steps == 1 and "Day 1 of 250" in shown()[1]
    # Reset rebuilds the model by keyword from the sidebar (Mesa passes its Scenario).
    rc.find(v.Slider, label="size (employees)").widget.v_model = 60
    rc.find(v.Select, label="programmes (everyone, day 0)").widget.v_model = "deescalation"
    rc.find(v.Btn, children=["Reset"]).widget.click()
    legend = shown()[1]
    assert "Day 0 of 250" in legend and "60 employees" in legend
    assert int(re.search(r"composed, trained: (\d+)", legend).group(1)) > 0
    assert "programmes: deescalation" in legend
