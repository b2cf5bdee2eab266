#!/usr/bin/env python3
"""Draw the lab's fabric with each link's load, ECMP next to srv6-bpf (SVG).

  svg.py RESULTS.json OUT.svg      (RESULTS.json: what report.py writes)

One row per scenario, one panel per run: spines on top, leaves below them,
hosts at the bottom. Every leaf-spine link is two lines, the left one up
(leaf to spine), the right one down; colour and width say how many flows it
carried (grey none, green one, orange two, red three or more), and links with
more than one flow carry the number. Standard library only.
"""
import json
import sys
from xml.sax.saxutils import escape

PANEL_W, PANEL_H = 460, 262
TITLE_H = 46
ROW_H = PANEL_H + TITLE_H
COLOURS = ["#c8c8c8", "#2a9d8f", "#f4a261", "#e63946"]


def colour(flows):
    return COLOURS[min(flows, len(COLOURS) - 1)]


def width(flows):
    return 1.2 if flows == 0 else 1.5 + 1.5 * flows


def panel(lab, run, x0, y0, title, subtitle):
    """One fabric drawing for one run, its top left corner at (x0, y0)."""
    out = []
    spines = [r["name"] for r in lab["routers"] if r["role"] == "spine"]
    leaves = [r["name"] for r in lab["routers"] if r["role"] == "leaf"]
    hosts = [h for h in lab["hosts"]]
    pos = {}

    def row(names, y):
        step = PANEL_W / (len(names) + 1)
        for i, n in enumerate(names):
            pos[n] = (x0 + step * (i + 1), y0 + y)

    row(spines, 70)
    row(leaves, 200)
    row([h["name"] for h in hosts], 270)
    out.append('<text x="%.1f" y="%.1f" class="t">%s</text>' % (x0 + 10, y0 + 20, escape(title)))
    out.append('<text x="%.1f" y="%.1f" class="s">%s</text>' % (x0 + 10, y0 + 38,
                                                              escape(subtitle)))
    flows = {(ln["from"], ln["to"]): ln["flows"] for ln in run["links"]}
    for h in hosts:
        (x1, y1), (x2, y2) = pos[h["leaf"]], pos[h["name"]]
        f = max(flows.get((h["name"], h["leaf"]), 0), flows.get((h["leaf"], h["name"]), 0))
        out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.1f"/>'
                   % (x1, y1, x2, y2, colour(f), width(f)))
    for leaf in leaves:
        for sp in spines:
            (lx, ly), (sx, sy) = pos[leaf], pos[sp]
            for direction, off in (((leaf, sp), -2.5), ((sp, leaf), 2.5)):
                if direction not in flows:
                    continue
                f = flows[direction]
                out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" '
                           'stroke-width="%.1f" stroke-linecap="round"/>'
                           % (lx + off, ly, sx + off, sy, colour(f), width(f)))
                if f > 1:
                    # The number near the leaf end, where links fan out most.
                    t = 0.28 if direction[0] == leaf else 0.42
                    mx, my = lx + (sx - lx) * t + off * 3, ly + (sy - ly) * t
                    out.append('<circle cx="%.1f" cy="%.1f" r="7" fill="%s"/>'
                               % (mx, my, colour(f)))
                    out.append('<text x="%.1f" y="%.1f" class="n">%d</text>' % (mx, my + 3.5, f))
    for names, cls, r in ((spines, "spine", 15), (leaves, "leaf", 15)):
        for n in names:
            x, y = pos[n]
            out.append('<circle cx="%.1f" cy="%.1f" r="%d" class="%s"/>' % (x, y, r, cls))
            out.append('<text x="%.1f" y="%.1f" class="l">%s</text>'
                       % (x, y + 3.5, escape(n.replace("spine", "S").replace("leaf", "L"))))
    for h in hosts:
        x, y = pos[h["name"]]
        out.append('<rect x="%.1f" y="%.1f" width="24" height="14" class="host"/>' % (x - 12, y - 7))
        out.append('<text x="%.1f" y="%.1f" class="h">%s</text>'
                   % (x, y + 3, escape("h%d" % int(h["name"].lstrip("host") or 0))))
    return out


def render(results):
    lab = results["lab"]
    scenarios = results["scenarios"]
    runs = results["runs"]
    w = PANEL_W * len(runs) + 20
    h = ROW_H * len(scenarios) + 70
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
           'font-family="sans-serif">' % (w, h, w, h),
           '<style>.t{font-size:14px;font-weight:bold}.s{font-size:11.5px;fill:#333}'
           '.l{font-size:10px;text-anchor:middle;fill:#fff;font-weight:bold}'
           '.h{font-size:9px;text-anchor:middle}.n{font-size:10px;text-anchor:middle;'
           'fill:#fff;font-weight:bold}.spine{fill:#264653}.leaf{fill:#457b9d}'
           '.host{fill:#f1faee;stroke:#457b9d}</style>',
           '<rect width="100%" height="100%" fill="#fff"/>',
           '<text x="10" y="22" class="t">%s</text>' % escape(
               "srv6-bpf lab: %d spines, %d leaves, %d hosts, every link %d Mbit/s; "
               "each host sends %s to one partner" % (
                   lab["spines"], lab["leaves"], len(lab["hosts"]), lab["rate_mbit"],
                   results["flow_size"]))]
    legend = [(0, "no flow"), (1, "1 flow"), (2, "2 flows"), (3, "3+ flows")]
    for i, (f, text) in enumerate(legend):
        x = 10 + i * 110
        out.append('<line x1="%d" y1="42" x2="%d" y2="42" stroke="%s" stroke-width="%.1f"/>'
                   % (x, x + 30, colour(f), width(f)))
        out.append('<text x="%d" y="46" class="s">%s</text>' % (x + 36, text))
    out.append('<text x="%d" y="46" class="s">%s</text>' % (
        10 + len(legend) * 110, "link pairs: left line up (leaf to spine), right line down"))
    for si, sc in enumerate(scenarios):
        for ri, name in enumerate(runs):
            run = sc["runs"][name]
            title = "%s: %s" % (sc["name"], run["title"])
            sub = ("busiest link %d flow%s; flows %.0f-%.0f Mbit/s (median %.0f); step %.2f s"
                   % (run["max_link_flows"], "" if run["max_link_flows"] == 1 else "s",
                      run["mbit_min"], run["mbit_max"], run["mbit_median"], run["step_seconds"]))
            out += panel(lab, run, 10 + PANEL_W * ri, 60 + ROW_H * si, title, sub)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    with open(sys.argv[1], encoding="utf-8") as f:
        results = json.load(f)
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
