# A marimo notebook with a live concept map (viz.mapwidget.MapWidget): click a concept on the map and the
# cell below lists what the tables say about it. Run it with: marimo run notebooks/marimo-map.py
# (or marimo edit). Educational material about cancer immunotherapy, not medical advice.
import marimo

__generated_with = "0.25.2"
app = marimo.App(width="full")


@app.cell
def _():
    import marimo as mo

    from viz import data, mapwidget

    ds = data.load()
    return ds, mapwidget, mo


@app.cell
def _(mo):
    mo.md(
        """
        # The checkpoint map, live

        *Educational material about cancer immunotherapy, not medical advice.*

        **Click a drug or a brake on the map** (or press Tab to reach it and travel with the arrow keys):
        the table under it follows your choice.
        """
    )
    return


@app.cell
def _(ds, mapwidget, mo):
    explore = mo.ui.anywidget(mapwidget.MapWidget(ds, "checkpoints"))
    explore
    return (explore,)


@app.cell
def _(ds, explore, mapwidget):
    chosen = explore.value["selected"] or ["pd1"]  # nothing clicked yet: PD-1
    mapwidget.selection_table(ds, chosen)
    return


if __name__ == "__main__":
    app.run()
