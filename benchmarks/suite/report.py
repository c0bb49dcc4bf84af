"""Tables (Markdown, LaTeX) and Pareto plots from the CSV of raw results.

Only the last row of each run key counts, and only the runs with
``status="ok"`` enter the means; failed runs are listed separately. A
method's point at a bound is the mean over the seeds of its test gap and
test accuracy; its front is the set of its points no other of its points
dominates.

Hypervolume, per data set and constraint: the share of the box
``[0, ref_gap] x [ref_acc, 1]`` of the (test gap, test accuracy) plane that
a method's points dominate, where ``ref_gap`` is the largest gap of any
method's point in that data set and constraint and ``ref_acc`` the
accuracy of predicting the majority test label (mean over the seeds); see
:func:`suite.metrics.hypervolume`. The reference is the same for every
method of a row; 1 would be a point of gap 0 and accuracy 1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .config import CONSTRAINTS
from .data import DATASETS
from .methods import METHODS
from .metrics import hypervolume, pareto_front
from .runner import COLUMNS, KEY

NUMERIC = [
    "accuracy",
    "balanced_accuracy",
    "roc_auc",
    "test_dp",
    "test_eo",
    "test_gap",
    "train_gap",
    "majority_rate",
    "fit_time",
    "base_fit_time",
    "time_ratio",
    "n_warnings",
]
SHORT = {"demographic_parity": "DP", "equalized_odds": "EO"}
MARKERS = {
    "fairfit": "o",
    "fairlearn": "s",
    "scikit-lego": "^",
    "FairGBM": "D",
    "reference": "*",
}


def load_results(path: str | Path) -> pd.DataFrame:
    """The CSV's last row per run key, numeric columns as floats.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    DataFrame
        With the columns of :data:`suite.runner.COLUMNS`.
    """
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = df.drop_duplicates(subset=KEY, keep="last").reset_index(drop=True)
    for col in NUMERIC:
        df[col] = pd.to_numeric(df[col], errors="coerce")
    return df[COLUMNS]


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """One row per data set, constraint, method and bound: means over the seeds.

    Parameters
    ----------
    df : DataFrame
        From :func:`load_results`.

    Returns
    -------
    DataFrame
        ``n`` (runs that succeeded), ``acc``/``acc_sd``, ``bacc``, ``auc``,
        ``gap``/``gap_sd``, ``train_gap``, ``fit`` (median seconds),
        ``ratio`` (median of fit time / base fit time), ``majority``, the
        method's ``param_name``, ``param_value``, ``library``; in the order
        of the registries, bounds increasing.
    """
    ok = df[df["status"] == "ok"]
    out = ok.groupby(["dataset", "constraint", "method", "bound"], sort=False).agg(
        n=("seed", "size"),
        acc=("accuracy", "mean"),
        acc_sd=("accuracy", "std"),
        bacc=("balanced_accuracy", "mean"),
        auc=("roc_auc", "mean"),
        gap=("test_gap", "mean"),
        gap_sd=("test_gap", "std"),
        train_gap=("train_gap", "mean"),
        fit=("fit_time", "median"),
        ratio=("time_ratio", "median"),
        majority=("majority_rate", "mean"),
        param_name=("param_name", "first"),
        param_value=("param_value", "first"),
        library=("library", "first"),
    )
    out = out.reset_index()
    order = {
        "dataset": list(DATASETS),
        "constraint": list(CONSTRAINTS),
        "method": list(METHODS),
    }
    keys = [out[c].map({v: i for i, v in enumerate(vals)}) for c, vals in order.items()]
    bound = pd.to_numeric(out["bound"], errors="coerce").fillna(-1.0)
    sort = pd.DataFrame({"d": keys[0], "c": keys[1], "m": keys[2], "b": bound})
    return out.loc[sort.sort_values(["d", "c", "m", "b"]).index].reset_index(drop=True)


def hypervolumes(summary: pd.DataFrame) -> pd.DataFrame:
    """Normalized hypervolume of each method, per data set and constraint.

    Parameters
    ----------
    summary : DataFrame
        From :func:`summarize`.

    Returns
    -------
    DataFrame
        Index ``(dataset, constraint)``; one column per method (NaN where
        the method has no successful run there), and ``ref_gap``,
        ``ref_acc``.
    """
    rows = {}
    for (dataset, constraint), part in summary.groupby(
        ["dataset", "constraint"], sort=False
    ):
        ref_gap, ref_acc = part["gap"].max(), part["majority"].mean()
        box = ref_gap * (1.0 - ref_acc)
        row = {"ref_gap": ref_gap, "ref_acc": ref_acc}
        for method, pts in part.groupby("method", sort=False):
            area = hypervolume(pts["gap"], pts["acc"], ref_gap, ref_acc)
            row[method] = area / box if box > 0 else np.nan
        rows[(dataset, constraint)] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    methods = [m for m in METHODS if m in out.columns]
    return out[methods + ["ref_gap", "ref_acc"]]


# ------------------------------------------------------------------ tables


def _pm(mean, sd, digits=4):
    if pd.isna(mean):
        return "–"
    text = f"{mean:.{digits}f}"
    return text if pd.isna(sd) else f"{text} ± {sd:.{digits}f}"


def _num(x, digits=4):
    return "–" if pd.isna(x) else f"{x:.{digits}f}"


def _setting(row):
    if not row["param_name"]:
        return "–"
    return f"{row['param_name']}={row['param_value']}"


TABLE_HEADER = [
    "method",
    "setting",
    "n",
    "accuracy",
    "bal. acc.",
    "ROC AUC",
    "test gap",
    "train gap",
    "fit (s)",
    "x base",
]


def result_rows(part: pd.DataFrame) -> list[list[str]]:
    """The cells of a result table (one data set and constraint).

    Parameters
    ----------
    part : DataFrame
        Rows of :func:`summarize`.

    Returns
    -------
    list of list of str
        In the order of :data:`TABLE_HEADER`.
    """
    return [
        [
            METHODS[r["method"]].label,
            _setting(r),
            str(r["n"]),
            _pm(r["acc"], r["acc_sd"]),
            _num(r["bacc"]),
            _num(r["auc"]),
            _pm(r["gap"], r["gap_sd"]),
            _num(r["train_gap"]),
            _num(r["fit"], 2),
            _num(r["ratio"], 1),
        ]
        for _, r in part.iterrows()
    ]


def hypervolume_rows(hv: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the hypervolume table.

    Columns: data set, constraint, the reference point, one column per
    method (its key), and per family (linear models, trees) the best
    fairfit hypervolume minus the best in-processing peer's (positive when
    a fairfit front is ahead of every peer's of that family; the
    post-processing and unconstrained references are not peers).

    Parameters
    ----------
    hv : DataFrame
        From :func:`hypervolumes`.

    Returns
    -------
    header : list of str
    rows : list of list of str
    """
    methods = [m for m in hv.columns if m in METHODS]
    families = {"linear": "linear", "tree": "trees"}
    header = ["data set", "constraint", "ref. gap", "ref. acc.", *methods]
    header += [f"fairfit - peers ({name})" for name in families.values()]
    rows = []
    for (dataset, constraint), r in hv.iterrows():
        leads = []
        for family in families:
            ours, peers = [], []
            for m in methods:
                spec = METHODS[m]
                if spec.family != family or pd.isna(r[m]):
                    continue
                if spec.library == "fairfit":
                    ours.append(r[m])
                elif spec.library != "reference" and not spec.post_processing:
                    peers.append(r[m])
            leads.append(max(ours) - max(peers) if ours and peers else np.nan)
        rows.append(
            [
                DATASETS[dataset].label,
                SHORT[constraint],
                _num(r["ref_gap"]),
                _num(r["ref_acc"]),
                *[_num(r[m], 3) for m in methods],
                *[_num(lead, 3) for lead in leads],
            ]
        )
    return header, rows


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters; ``±`` and ``–`` become math and ``--``."""
    out = "".join(_LATEX_ESCAPES.get(ch, ch) for ch in text)
    return out.replace("±", r"$\pm$").replace("–", "--")


def latex_table(
    header: list[str], rows: list[list[str]], caption: str, label: str
) -> str:
    """A booktabs table, scaled to the text width.

    Needs ``\\usepackage{booktabs}`` and ``\\usepackage{graphicx}``.

    Parameters
    ----------
    header : list of str
    rows : list of list of str
    caption : str
    label : str
        The ``\\label`` key.

    Returns
    -------
    str
    """
    spec = "l" * 2 + "r" * (len(header) - 2)
    lines = [
        r"\begin{table}[ht]",
        r"\centering",
        rf"\caption{{{latex_escape(caption)}}}",
        rf"\label{{{label}}}",
        r"\resizebox{\textwidth}{!}{%",
        rf"\begin{{tabular}}{{{spec}}}",
        r"\toprule",
        " & ".join(latex_escape(h) for h in header) + r" \\",
        r"\midrule",
        *[" & ".join(latex_escape(c) for c in r) + r" \\" for r in rows],
        r"\bottomrule",
        r"\end{tabular}}",
        r"\end{table}",
    ]
    return "\n".join(lines)


def cost_rows(df: pd.DataFrame) -> list[list[str]]:
    """Per method: runs, failures, total and median fit time, median ratio."""
    rows = []
    for method in [m for m in METHODS if m in set(df["method"])]:
        part = df[df["method"] == method]
        ok = part[part["status"] == "ok"]
        rows.append(
            [
                METHODS[method].label,
                str(len(ok)),
                str(len(part) - len(ok)),
                _num(ok["fit_time"].sum(), 0),
                _num(ok["fit_time"].median(), 2),
                _num(ok["time_ratio"].median(), 1),
            ]
        )
    return rows


COST_HEADER = [
    "method",
    "runs ok",
    "failed",
    "fit total (s)",
    "fit median (s)",
    "x base",
]


# ------------------------------------------------------------------- plots


def pareto_plot(part: pd.DataFrame, title: str, path: str | Path) -> None:
    """Accuracy against test gap, one colour and marker per method.

    Error bars are the standard deviations over the seeds; each method's
    front (its non-dominated points) is joined by a line, solid for
    fairfit, dashed for the others.

    Parameters
    ----------
    part : DataFrame
        Rows of :func:`summarize` of one data set and constraint.
    title : str
    path : str or Path
        The PNG written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5.5))
    colours = plt.get_cmap("tab20").colors
    for i, method in enumerate(m for m in METHODS if m in set(part["method"])):
        pts = part[part["method"] == method]
        spec = METHODS[method]
        colour = colours[(2 * i) % 20 if i < 10 else (2 * i + 1) % 20]
        ax.errorbar(
            pts["gap"],
            pts["acc"],
            xerr=pts["gap_sd"].fillna(0),
            yerr=pts["acc_sd"].fillna(0),
            fmt=MARKERS.get(spec.library, "o"),
            color=colour,
            ms=6,
            capsize=2,
            elinewidth=0.8,
            label=spec.label,
        )
        front = pareto_front(pts["gap"], pts["acc"])
        if len(front) > 1:
            ax.plot(
                pts["gap"].to_numpy()[front],
                pts["acc"].to_numpy()[front],
                "-" if spec.library == "fairfit" else "--",
                color=colour,
                lw=1,
            )
    ax.axhline(part["majority"].mean(), color="grey", ls=":", lw=1)
    ax.set_xlabel("test gap (between groups)")
    ax.set_ylabel("test accuracy")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------ report


def write_report(csv_path: str | Path, out_dir: str | Path, title: str) -> list[Path]:
    """Write ``tables.md``, ``tables.tex`` and ``plots/pareto_*.png``.

    Parameters
    ----------
    csv_path : str or Path
        The raw results.
    out_dir : str or Path
        Where the files go.
    title : str
        Heading of the Markdown file.

    Returns
    -------
    list of Path
        The files written.
    """
    out_dir = Path(out_dir)
    (out_dir / "plots").mkdir(parents=True, exist_ok=True)
    df = load_results(csv_path)
    summary = summarize(df)
    written = []
    md = [f"# {title}", "", _README_NOTE, ""]
    tex = [
        "% Tables of the fairfit benchmark suite (needs booktabs and graphicx).",
        "",
    ]
    if len(summary):
        header, rows = hypervolume_rows(hypervolumes(summary))
        legend = ", ".join(f"`{m}`: {METHODS[m].label}" for m in header[4:-2])
        md += ["## Hypervolume", "", markdown_table(header, rows), "", legend, ""]
        tex += [latex_table(header, rows, "Normalized hypervolume", "tab:hv"), ""]
    md += ["## Cost per method", "", markdown_table(COST_HEADER, cost_rows(df)), ""]
    for (dataset, constraint), part in summary.groupby(
        ["dataset", "constraint"], sort=False
    ):
        name = f"{DATASETS[dataset].label}, {SHORT[constraint]}"
        rows = result_rows(part)
        png = out_dir / "plots" / f"pareto_{dataset}_{constraint}.png"
        pareto_plot(part, name, png)
        written.append(png)
        md += [
            f"## {name}",
            "",
            markdown_table(TABLE_HEADER, rows),
            "",
            f"![{name}](plots/{png.name})",
            "",
        ]
        label = f"tab:{dataset}-{SHORT[constraint].lower()}"
        tex += [latex_table(TABLE_HEADER, rows, name, label), ""]
    failed = df[df["status"] != "ok"]
    if len(failed):
        md += ["## Failed runs", ""]
        for _, r in failed.iterrows():
            md.append(
                f"- {r['dataset']}, {r['constraint']}, {r['method']}, "
                f"bound {r['bound']}, seed {r['seed']}: `{r['error']}`"
            )
        md.append("")
    for name, lines in (("tables.md", md), ("tables.tex", tex)):
        path = out_dir / name
        path.write_text("\n".join(lines), encoding="utf-8")
        written.append(path)
    return written


_README_NOTE = (
    "Written by `benchmarks/run_suite.py` from `results.csv` (see "
    "`benchmarks/README.md`, section Suite). Means ± standard deviations "
    "over the seeds; fit time: median over the seeds; x base: median of the "
    "fit time over the fit time of the unconstrained base model (logistic "
    "regression or LightGBM) on the same split. Test and train gaps are the "
    "table's constraint, between the two groups. Hypervolume: share of the "
    "box [0, ref. gap] x [ref. acc., 1] that the method's points (means over "
    "the seeds, one per setting) dominate; ref. gap is the largest gap of any "
    "point of the row, ref. acc. the majority-class rate of the test sets. "
    "Higher is better."
)
