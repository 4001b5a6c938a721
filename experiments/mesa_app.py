"""Conflict spreading through an organisation, in the browser with Mesa's SolaraViz.

The Mesa model (``conflictsim.ConflictModel``) on its contact graph (``model.space``, a
Mesa ``Network``): every employee a node coloured by their state, the ties they meet on,
and the upset count and conflicts per day as the days run. The sliders rebuild the model
by keyword when Reset is pressed, as ``mesa.batch_run`` builds it; Play stops at the
horizon (a year), where the model's ``running`` turns False.

Run it (solara comes with the optional ``viz`` extra), then open the address it prints:

    uv run --extra viz solara run experiments/mesa_app.py
"""

from __future__ import annotations

from collections import Counter

import solara
from mesa.visualization import Slider, SolaraViz, SpaceRenderer, make_plot_component
from mesa.visualization.components import AgentPortrayalStyle

import conflictsim as cs
from conflictsim.params import REGISTRY

#: An employee's state as drawn: its colour, in the legend's order.
COLOURS = {
    "upset": "#d62728",
    "composed": "#2ca02c",
    "composed, trained": "#1f77b4",
    "absent today": "#a6a6a6",
    "empty post": "#ffffff",
}


def state(employee: cs.Employee) -> str:
    """The state an employee is drawn in (a key of ``COLOURS``)."""
    if employee.vacant:
        return "empty post"
    if not employee.present:
        return "absent today"
    if employee.upset:
        return "upset"
    return "composed, trained" if employee.trained else "composed"


def portrayal(employee: cs.Employee) -> AgentPortrayalStyle:
    """How SolaraViz draws an employee: a dot in their state's colour."""
    return AgentPortrayalStyle(
        color=COLOURS[state(employee)], size=45, edgecolors="#404040", linewidths=0.6, zorder=2
    )


def legend(model: cs.ConflictModel):
    """The day, the employees in each state (the colours' key), and the parameters.

    The sliders show no numbers; the parameters shown are the running model's.
    """
    counts = Counter(state(a) for a in model.employees)
    rows = "".join(
        # An empty post is a white dot: drawn as a ring here, to be seen on white.
        f"<span style='color:{'#404040' if colour == '#ffffff' else colour}; "
        f"font-size:1.3em'>{'&#9675;' if colour == '#ffffff' else '&#9679;'}</span> "
        f"{name}: {counts.get(name, 0)}<br>"
        for name, colour in COLOURS.items()
    )
    daily = model.daily_frame()
    p = model.params
    programmes = ", ".join(prog.kind for prog in model.setup.programmes) or "none"
    return solara.Markdown(
        f"**Day {model.day} of {model.setup.days}**: {model.org.size} employees "
        f"({model.org.name})<br>{rows}"
        f"Conflicts today: {int(daily['conflicts'].iloc[-1])}; "
        f"since day 0: {int(daily['conflicts'].iloc[1:].sum())}<br><br>"
        f"transmission {p.transmission:.2f}, recovery {p.recovery:.2f}, "
        f"trigger {p.trigger:.3f}; programmes: {programmes}; rng {model.seed}"
    )


def label_axes(ax) -> None:
    """Name the plot's y axis (Mesa labels the x axis "Step" after this: a step is a day)."""
    ax.set_ylabel("employees upset; conflicts that day")


def slider(name: str, step: float = 0.01) -> Slider:
    """A slider over a parameter's plausible range, at its default."""
    spec = REGISTRY[name]
    low, high = spec.sweep_range
    return Slider(name, value=spec.default, min=low, max=high, step=step, dtype=float)


#: The keywords of ``ConflictModel`` the sidebar sets (Reset rebuilds the model).
model_params = {
    "org": {"type": "Select", "value": "office", "values": list(cs.PRESETS), "label": "org"},
    "size": Slider("size (employees)", value=100, min=20, max=300, step=10),
    "transmission": slider("transmission"),
    "recovery": slider("recovery"),
    "trigger": slider("trigger", step=0.005),
    "programmes": {
        "type": "Select",
        "value": "none",
        "values": ["none", *cs.KINDS],
        "label": "programmes (everyone, day 0)",
    },
    "rng": {"type": "SliderInt", "value": 1, "min": 0, "max": 99, "step": 1, "label": "rng"},
}

# The model as the sidebar's values describe it: a year in an office of 100.
model = cs.ConflictModel(org="office", size=100, programmes="none", rng=1)
renderer = (
    SpaceRenderer(model, backend="matplotlib")
    .setup_structure(
        node_kwargs={"node_size": 0}, edge_kwargs={"alpha": 0.25, "style": "-", "width": 0.6}
    )
    .setup_agents(portrayal)
)
renderer.render()

ConflictPlot = make_plot_component(
    {"upset": "#d62728", "conflicts": "#ff7f0e"}, post_process=label_axes
)

page = SolaraViz(
    model,
    renderer,
    components=[ConflictPlot, legend],
    model_params=model_params,
    name="conflictsim: conflict on the contact graph",
)
page  # noqa: B018
