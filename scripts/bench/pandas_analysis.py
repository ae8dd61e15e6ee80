#!/usr/bin/env python3
"""The method of docs/METHODOLOGY.md (§2-§9, §11 scores.csv with §14; periods are quarters), written in
pandas and numpy as a competent analyst would: the baseline `scripts/bench/analysis-vs-pandas`
times `hailong analyze` against. Same four CSV files, same questionnaire, same numbers (the
bench checks the deterministic columns of scores.csv equal to ours); the bootstrap draws within
each cell with replacement, seeded, as §9 says.

    pandas_analysis.py DATA_DIR QUESTIONNAIRE.json OUT_DIR [--bootstrap B] [--seed S]
"""

import argparse
import json
import math
import os
import warnings

import numpy as np
import pandas as pd

Z = 1.959964
MIN_CELL = 5
RELIABILITY = 30.0


def quarter_of(times):
    """The quarter (`2026-Q3`) of UTC instants, in Vietnam time (UTC+7)."""
    local = times + pd.Timedelta(hours=7)
    return local.dt.year.astype(str) + "-Q" + ((local.dt.month - 1) // 3 + 1).astype(str)


def kish(sw, sw2):
    return np.where(sw2 > 0, sw * sw / np.where(sw2 > 0, sw2, 1.0), 0.0)


def wilson(p, n):
    z2 = Z * Z
    den = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / den
    half = Z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / den
    return centre - half, centre + half


def quantile(values, q):
    v = np.sort(np.asarray(values, dtype=float))
    pos = (len(v) - 1) * q
    lo, hi = int(math.floor(pos)), int(math.ceil(pos))
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def load(data, questionnaire):
    agencies = pd.read_csv(os.path.join(data, "agencies.csv"), dtype=str, keep_default_na=False)
    dossiers = pd.read_csv(os.path.join(data, "dossiers.csv"), dtype=str, keep_default_na=False)
    responses = pd.read_csv(os.path.join(data, "responses.csv"), dtype=str, keep_default_na=False)
    answers = pd.read_csv(os.path.join(data, "answers.csv"),
                          dtype={"response_id": str, "item_code": str, "value": np.int64})
    completed = pd.to_datetime(dossiers["completed_at"], utc=True, format="ISO8601")
    received = pd.to_datetime(dossiers["received_at"], utc=True, format="ISO8601")
    due = pd.to_datetime(dossiers["due_at"], utc=True, format="ISO8601")
    dossiers = pd.DataFrame({
        "agency": dossiers["agency_code"],
        "period": quarter_of(completed),
        "channel": dossiers["channel"],
        "kind": dossiers["applicant_kind"],
        "on_time": (completed <= due).astype(np.int64),
        "invited": (dossiers["invited"] == "true").astype(np.int64),
        "days": (completed - received).dt.total_seconds() / 86400.0,
    })
    responses = responses.rename(columns={"agency_code": "agency", "quarter": "period",
                                          "applicant_kind": "kind"})
    items = pd.DataFrame(questionnaire["items"])
    items["pos"] = np.arange(len(items))
    dims = [d["code"] for d in questionnaire["dimensions"]]
    items["dim"] = items["dimension"].map({c: i for i, c in enumerate(dims)})
    items["kindcode"] = np.where(items["kind"] == "likert5", 0,
                                 np.where(items["direction"] == "negative", 2, 1))
    return agencies, dossiers, responses, answers, items


def weights(dossiers, responses):
    """§3: w = N_c / n_c per (period, agency, channel, kind); 1 in an inconsistent group."""
    keys = ["period", "agency", "channel", "kind"]
    big = dossiers.groupby(keys).size().rename("N")
    small = responses.groupby(keys).size().rename("n")
    cells = small.to_frame().join(big, how="left").fillna({"N": 0})
    cells["bad"] = cells["N"] < cells["n"]
    bad = cells.groupby(["period", "agency"])["bad"].transform("any")
    cells["w"] = np.where(bad, 1.0, cells["N"] / cells["n"])
    cells["group_bad"] = bad
    return responses.join(cells[["w", "group_bad"]], on=keys)


def scores(data, questionnaire, bootstrap=0, seed=42):
    agencies, dossiers, responses, answers, items = load(data, questionnaire)
    responses = weights(dossiers, responses)
    level = dict(zip(agencies["agency_code"], agencies["level"]))
    dims = [d["code"] for d in questionnaire["dimensions"]]
    dim_weight = np.array([d["weight"] for d in questionnaire["dimensions"]])

    # Each answer with its response's group and weight, its favourable share and score (§4).
    a = answers.merge(responses[["response_id", "period", "agency", "w"]], on="response_id")
    a = a.merge(items[["code", "pos", "dim", "kindcode"]], left_on="item_code", right_on="code")
    v = a["value"].to_numpy(dtype=float)
    k = a["kindcode"].to_numpy()
    a["fav"] = np.where(k == 0, (v >= 4).astype(float), np.where(k == 1, v, 1.0 - v))
    a["x"] = np.where(k == 0, 1 + 9 * (v - 1) / 4, np.where(k == 1, 1 + 9 * v, 10 - 9 * v))
    a["ww"], a["wf"], a["wx"] = a["w"] ** 2, a["w"] * a["fav"], a["w"] * a["x"]

    def with_all(frame, by, sums):
        per = frame.groupby(["period", "agency"] + by).agg(**sums).reset_index()
        every = frame.groupby(["period"] + by).agg(**sums).reset_index()
        every["agency"] = "ALL"
        return pd.concat([per, every], ignore_index=True)

    item_sums = with_all(a, ["pos"], dict(n=("w", "size"), sw=("w", "sum"), sw2=("ww", "sum"),
                                          swf=("wf", "sum"), swx=("wx", "sum")))
    dim_answered = a[["response_id", "period", "agency", "dim", "w"]].drop_duplicates(
        ["response_id", "dim"])
    dim_answered = dim_answered.assign(ww=dim_answered["w"] ** 2)
    dim_sums = with_all(dim_answered, ["dim"], dict(n=("w", "size"), sw=("w", "sum"),
                                                    sw2=("ww", "sum")))
    r = responses.assign(ww=responses["w"] ** 2)
    group_sums = with_all(r, [], dict(n=("w", "size"), sw=("w", "sum"), sw2=("ww", "sum"),
                                      bad=("group_bad", "any")))
    group_sums.loc[group_sums["agency"] == "ALL", "bad"] = False
    census = with_all(dossiers, [], dict(completed=("on_time", "size"), on_time=("on_time", "sum"),
                                         invitations=("invited", "sum"), days=("days", "sum")))

    items_of = {(p, g): f for (p, g), f in item_sums.groupby(["period", "agency"])}
    dims_of = {(p, g): f for (p, g), f in dim_sums.groupby(["period", "agency"])}
    groups = group_sums.set_index(["period", "agency"])
    n_items, n_dims = len(items), len(dims)
    item_dim = items["dim"].to_numpy()
    rows = []
    scored = {}

    def status(suppressed, incomplete, unweighted, count, n_eff, shown):
        if suppressed or count < MIN_CELL:
            return "suppressed"
        if incomplete:
            return "incomplete"
        if unweighted:
            return "unweighted"
        if shown and n_eff < RELIABILITY:
            return "low_reliability"
        return "ok"

    for (period, agency), g in groups.iterrows():
        its = items_of.get((period, agency))
        n_i = np.zeros(n_items, dtype=int)
        sw, sw2, swf, swx = (np.zeros(n_items) for _ in range(4))
        if its is not None:
            pos = its["pos"].to_numpy()
            n_i[pos], sw[pos], sw2[pos] = its["n"], its["sw"], its["sw2"]
            swf[pos], swx[pos] = its["swf"], its["swx"]
        present = n_i > 0
        p = np.where(present, swf / np.where(present, sw, 1), np.nan)
        x = np.where(present, swx / np.where(present, sw, 1), np.nan)
        sat_dim, papi_dim = np.full(n_dims, np.nan), np.full(n_dims, np.nan)
        for d in range(n_dims):
            mask = present & (item_dim == d)
            if mask.any():
                sat_dim[d] = 100 * p[mask].mean()
                papi_dim[d] = x[mask].mean()
        incomplete = bool(np.isnan(sat_dim).any())
        sat_index = np.nan if incomplete else sat_dim.mean()
        papi_total = np.nan if incomplete else papi_dim.sum()
        n, n_eff = int(g["n"]), float(kish(g["sw"], g["sw2"]))
        suppressed, unweighted = n < MIN_CELL, bool(g["bad"])
        ds = dims_of.get((period, agency))
        dim_n, dim_sw, dim_sw2 = np.zeros(n_dims, dtype=int), np.zeros(n_dims), np.zeros(n_dims)
        if ds is not None:
            dd = ds["dim"].to_numpy()
            dim_n[dd], dim_sw[dd], dim_sw2[dd] = ds["n"], ds["sw"], ds["sw2"]
        dim_eff = kish(dim_sw, dim_sw2)
        item_eff = kish(sw, sw2)
        for i, code in enumerate(items["code"]):
            st = status(suppressed, incomplete, unweighted, n_i[i], item_eff[i], present[i])
            shown = st != "suppressed"
            lo = hi = None
            if present[i] and shown:
                lo, hi = wilson(p[i], item_eff[i])
                lo, hi = 100 * lo, 100 * hi
            for measure, value, ci in (("sat_item", 100 * p[i], (lo, hi)), ("papi_item", x[i], (None, None))):
                rows.append((period, agency, measure, code,
                             value if present[i] and shown else None, ci[0], ci[1],
                             int(n_i[i]), float(item_eff[i]) if present[i] else None, st))
        for d, code in enumerate(dims):
            st = status(suppressed, incomplete, unweighted, dim_n[d], dim_eff[d],
                        not np.isnan(sat_dim[d]))
            for measure, value in (("sat_dim", sat_dim[d]), ("papi_dim", papi_dim[d])):
                rows.append((period, agency, measure, code,
                             None if np.isnan(value) or st == "suppressed" else value,
                             None, None, int(dim_n[d]), float(dim_eff[d]) if dim_n[d] else None, st))
        st = status(suppressed, incomplete, unweighted, n, n_eff, not np.isnan(sat_index))
        for measure, value in (("sat_index", sat_index), ("papi_total", papi_total)):
            rows.append((period, agency, measure, "",
                         None if np.isnan(value) or st == "suppressed" else value,
                         None, None, n, n_eff, st))
        scored[(period, agency)] = dict(papi_dim=papi_dim, papi_total=papi_total,
                                        sat_index=sat_index, n=n, n_eff=n_eff,
                                        suppressed=suppressed, incomplete=incomplete,
                                        unweighted=unweighted, dim_n=dim_n, dim_eff=dim_eff)

    # §7: census rows for every group with a response or a dossier.
    responded = group_sums.set_index(["period", "agency"])["n"]
    for c in census.itertuples(index=False):
        n = int(responded.get((c.period, c.agency), 0))
        rate = lambda num, den: 100.0 * num / den if den > 0 else None  # noqa: E731
        for measure, value in (("completed", c.completed), ("on_time_rate", rate(c.on_time, c.completed)),
                               ("invitations", c.invitations), ("response_rate", rate(n, c.invitations)),
                               ("mean_processing_days", c.days / c.completed if c.completed else None)):
            rows.append((c.period, c.agency, measure, "", value, None, None, n, None, "ok"))

    # §14: linearised standard errors of every group's sat_index and papi_total.
    errors = standard_errors(a, responses, item_sums, items, n_dims)

    # §6: comparison sets per period and level.
    sets = {}
    for (period, agency), s in scored.items():
        if agency != "ALL" and not np.isnan(s["papi_total"]) and not s["suppressed"]:
            sets.setdefault((period, level[agency]), []).append(agency)
    for (period, _), members in sets.items():
        members.sort()
        ss = [scored[(period, m)] for m in members]
        totals = np.array([s["papi_total"] for s in ss])

        def overall(measure, value, s):
            st = status(s["suppressed"], s["incomplete"], s["unweighted"], s["n"], s["n_eff"], True)
            rows.append((period, m, measure, "", value if st != "suppressed" else None,
                         None, None, s["n"], s["n_eff"], st))

        if len(members) >= 2:
            composite = np.zeros(len(members))
            for d, code in enumerate(dims):
                values = np.array([s["papi_dim"][d] for s in ss])
                lo, hi = values.min(), values.max()
                pci = np.full(len(values), 10.0) if hi - lo < 1e-12 else 1 + 9 * (values - lo) / (hi - lo)
                composite += 10 * dim_weight[d] * pci
                for m, s, value in zip(members, ss, pci):
                    st = status(s["suppressed"], s["incomplete"], s["unweighted"], s["dim_n"][d], s["dim_eff"][d], True)
                    rows.append((period, m, "pci_dim", code, value if st != "suppressed" else None,
                                 None, None, int(s["dim_n"][d]), float(s["dim_eff"][d]), st))
            for m, s, value in zip(members, ss, composite):
                overall("pci_composite", value, s)
        rounded = np.floor(totals * 1e4 + 0.5) / 1e4
        for m, s, t in zip(members, ss, rounded):
            overall("rank", float(1 + (rounded > t).sum()), s)
        if len(members) >= 4:
            q1, q2, q3 = (quantile(totals, q) for q in (0.25, 0.5, 0.75))
            for m, s, t in zip(members, ss, totals):
                overall("tier", float(1 if t >= q3 else 2 if t >= q2 else 3 if t >= q1 else 4), s)
        # §14: funnel z against the set's median sat_index, rank range from pairwise differences.
        theta = quantile([s["sat_index"] for s in ss], 0.5)
        se = np.array([errors.get((period, m), (0.0, 0.0))[1] for m in members])
        gap = Z * np.sqrt(se[:, None] ** 2 + se[None, :] ** 2)
        diff = totals[None, :] - totals[:, None]  # [g, j] = t_j - t_g
        best = 1 + (diff > gap).sum(axis=1)
        worst = len(members) - (-diff > gap).sum(axis=1)
        for k, (m, s) in enumerate(zip(members, ss)):
            sat_se, papi_se = errors.get((period, m), (0.0, 0.0))
            overall("sat_index_se", sat_se, s)
            overall("papi_total_se", papi_se, s)
            overall("funnel_z", (s["sat_index"] - theta) / sat_se if sat_se > 0 else None, s)
            overall("rank_best", float(best[k]), s)
            overall("rank_worst", float(worst[k]), s)

    out = pd.DataFrame(rows, columns=["period", "agency_code", "measure", "key", "value", "ci_low",
                                      "ci_high", "n", "n_eff", "status"])
    if bootstrap:
        add_intervals(out, a, responses, scored, items, dims, bootstrap, seed)
    return out


def standard_errors(a, responses, item_sums, items, n_dims):
    """§14, per (period, agency): each response's z (its answers' linearised contributions),
    then n_c/(n_c-1) times the squared deviations from the cell mean, over cells of 2 or more."""
    per = item_sums[item_sums["agency"] != "ALL"]
    per = per.assign(dim=per["pos"].map(dict(zip(items["pos"], items["dim"]))))
    per = per.assign(m=per.groupby(["period", "agency", "dim"])["pos"].transform("size"))
    j = a[["response_id", "period", "agency", "pos", "w", "fav", "x"]].merge(
        per[["period", "agency", "pos", "sw", "swf", "swx", "m"]], on=["period", "agency", "pos"])
    scale = j["w"] / (j["sw"] * j["m"])
    j["zs"] = scale * (100 * j["fav"] - 100 * j["swf"] / j["sw"]) / n_dims
    j["zp"] = scale * (j["x"] - j["swx"] / j["sw"])
    z = j.groupby("response_id")[["zs", "zp"]].sum()
    r = responses[["response_id", "period", "agency", "channel", "kind"]].join(z, on="response_id")
    r[["zs", "zp"]] = r[["zs", "zp"]].fillna(0.0)
    cell = ["period", "agency", "channel", "kind"]
    grouped = r.groupby(cell)
    r["n"] = grouped["zs"].transform("size")
    r["ds"] = (r["zs"] - grouped["zs"].transform("mean")) ** 2
    r["dp"] = (r["zp"] - grouped["zp"].transform("mean")) ** 2
    r = r[r["n"] >= 2]
    cells = r.groupby(cell).agg(n=("n", "first"), ds=("ds", "sum"), dp=("dp", "sum")).reset_index()
    factor = cells["n"] / (cells["n"] - 1)
    cells["vs"], cells["vp"] = factor * cells["ds"], factor * cells["dp"]
    var = cells.groupby(["period", "agency"])[["vs", "vp"]].sum()
    return {key: (math.sqrt(v.vs), math.sqrt(v.vp)) for key, v in zip(var.index, var.itertuples())}


def add_intervals(out, a, responses, scored, items, dims, replicates, seed):
    """§9: per shown group, B replicates drawn within each cell with replacement (for ALL the
    cells are (agency, channel, kind)); 2.5 % and 97.5 % percentiles of the composites."""
    rng = np.random.default_rng(seed)
    n_items, n_dims = len(items), len(dims)
    item_dim = items["dim"].to_numpy()
    # Per response: weighted sums per item (dense rows), so that a replicate is a sum of rows.
    rid = {r: i for i, r in enumerate(responses["response_id"])}
    row = a["response_id"].map(rid).to_numpy()
    pos = a["pos"].to_numpy()
    W = np.zeros((len(responses), n_items))
    WF, WX = np.zeros_like(W), np.zeros_like(W)
    np.add.at(W, (row, pos), a["w"].to_numpy())
    np.add.at(WF, (row, pos), a["wf"].to_numpy())
    np.add.at(WX, (row, pos), a["wx"].to_numpy())
    resp = responses.reset_index(drop=True)
    period_of, agency_of = resp["period"].to_numpy(), resp["agency"].to_numpy()
    by_group = resp.groupby(["period", "agency"]).indices
    by_period = resp.groupby("period").indices
    cell_of = (resp["agency"] + "/" + resp["channel"] + "/" + resp["kind"]).to_numpy()
    in_dim = [item_dim == d for d in range(n_dims)]
    shown = [k for k, s in scored.items() if not s["suppressed"]]
    intervals = {}
    for period, agency in shown:
        members = by_period[period] if agency == "ALL" else by_group[(period, agency)]
        # Cells: (channel, kind) within an agency; (agency, channel, kind) for ALL.
        _, cell_index = np.unique(cell_of[members], return_inverse=True)
        order = np.argsort(cell_index, kind="stable")
        members, cell_index = members[order], cell_index[order]
        bounds_at = np.flatnonzero(np.diff(cell_index)) + 1
        starts = np.concatenate(([0], bounds_at))
        ends = np.concatenate((bounds_at, [len(members)]))
        # All B replicates at once: how often each member is drawn in each replicate, then
        # the replicates' sums as one matrix product per table.
        counts = np.zeros((replicates, len(members)))
        for start, end in zip(starts, ends):
            size = end - start
            drawn = rng.integers(0, size, (replicates, size))
            flat = (np.arange(replicates)[:, None] * size + drawn).ravel()
            counts[:, start:end] = np.bincount(flat, minlength=replicates * size).reshape(replicates, size)
        sw, swf, swx = counts @ W[members], counts @ WF[members], counts @ WX[members]
        present = sw > 0
        safe = np.where(present, sw, 1.0)
        p = np.where(present, swf / safe, np.nan)
        x = np.where(present, swx / safe, np.nan)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)
            sat_d = np.stack([100 * np.nanmean(p[:, m], axis=1) for m in in_dim], axis=1)
            papi_d = np.stack([np.nanmean(x[:, m], axis=1) for m in in_dim], axis=1)
        complete = ~np.isnan(sat_d).any(axis=1)
        sat_i = sat_d[complete].mean(axis=1)
        papi_t = papi_d[complete].sum(axis=1)

        def bounds(values):
            values = values[~np.isnan(values)]
            return (quantile(values, 0.025), quantile(values, 0.975)) if len(values) else (None, None)

        found = {("sat_index", ""): bounds(sat_i), ("papi_total", ""): bounds(papi_t)}
        for d, code in enumerate(dims):
            found[("sat_dim", code)] = bounds(sat_d[:, d])
            found[("papi_dim", code)] = bounds(papi_d[:, d])
        intervals[(period, agency)] = found
    lows, highs = out["ci_low"].to_numpy(dtype=object), out["ci_high"].to_numpy(dtype=object)
    for i, (period, agency, measure, key, value, status) in enumerate(zip(
            out["period"], out["agency_code"], out["measure"], out["key"], out["value"],
            out["status"])):
        if value is None or status == "suppressed":
            continue
        ci = intervals.get((period, agency), {}).get((measure, key))
        if ci:
            lows[i], highs[i] = ci
    out["ci_low"], out["ci_high"] = lows, highs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("questionnaire")
    parser.add_argument("out")
    parser.add_argument("--bootstrap", type=int, default=0)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    with open(args.questionnaire, encoding="utf-8") as f:
        questionnaire = json.load(f)
    out = scores(args.data, questionnaire, args.bootstrap, args.seed)
    os.makedirs(args.out, exist_ok=True)
    out.to_csv(os.path.join(args.out, "scores.csv"), index=False, float_format="%.17g")


if __name__ == "__main__":
    main()
