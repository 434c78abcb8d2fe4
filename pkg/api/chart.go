package api

import (
	"fmt"
	"html/template"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Chart geometry, in SVG user units.
const (
	chartW, chartH                  = 800, 320
	padLeft, padRight, padTop, padB = 96, 20, 28, 44
)

var palette = []string{"#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"}

// priceChart draws the median winning price per GPU-hour of each GPU model
// over the window as an inline SVG line chart, server-side.
func priceChart(p pricesJSON, tok Token) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="Median winning price per GPU-hour by GPU model">`, chartW, chartH)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`, chartW, chartH)
	if len(p.Points) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#6b7280" font-size="15">No auctions closed between %s and %s.</text></svg>`,
			chartW/2, chartH/2, p.From.Format("2006-01-02 15:04"), p.To.Format("2006-01-02 15:04 MST"))
		return template.HTML(b.String())
	}
	type pt struct {
		at    time.Time
		price *big.Int
		n     int
	}
	series := map[string][]pt{}
	max := new(big.Int)
	for _, q := range p.Points {
		v, ok := new(big.Int).SetString(q.MedianPricePerGPUHour, 10)
		if !ok {
			continue
		}
		name := q.GPUModel
		if name == "" {
			name = "CPU only"
		}
		series[name] = append(series[name], pt{q.Hour, v, q.Auctions})
		if v.Cmp(max) > 0 {
			max = v
		}
	}
	step := niceStep(max)
	top := new(big.Int).Mul(step, big.NewInt(4))
	for top.Cmp(max) < 0 {
		top.Add(top, step)
	}
	x0, x1 := float64(padLeft), float64(chartW-padRight)
	y0, y1 := float64(chartH-padB), float64(padTop)
	span := p.To.Sub(p.From).Seconds()
	xOf := func(t time.Time) float64 { return x0 + (x1-x0)*t.Sub(p.From).Seconds()/span }
	topF, _ := new(big.Float).SetInt(top).Float64()
	yOf := func(v *big.Int) float64 {
		f, _ := new(big.Float).SetInt(v).Float64()
		return y0 - (y0-y1)*f/topF
	}

	// Grid and y labels: exact token amounts at round steps.
	for v := new(big.Int); v.Cmp(top) <= 0; v = new(big.Int).Add(v, step) {
		y := yOf(v)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e7eb"/>`, x0, y, x1, y)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" fill="#374151" font-size="12">%s</text>`, x0-6, y+4, template.HTMLEscapeString(FormatAmount(v, tok.Decimals)))
	}
	// X labels: about six, on whole hours.
	hours := math.Max(1, math.Ceil(span/3600/6))
	for t := p.From.Truncate(time.Hour); !t.After(p.To); t = t.Add(time.Duration(hours) * time.Hour) {
		if t.Before(p.From) {
			continue
		}
		x := xOf(t)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#9ca3af"/>`, x, y0, x, y0+4)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#374151" font-size="12">%s</text>`, x, y0+18, t.UTC().Format("Jan 2 15:04"))
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#374151"/>`, x0, y0, x1, y0)
	unit := "per GPU-hour"
	if tok.Symbol != "" {
		unit = tok.Symbol + " " + unit
	}
	fmt.Fprintf(&b, `<text x="%d" y="16" fill="#374151" font-size="12">%s</text>`, 8, template.HTMLEscapeString(unit))

	names := make([]string, 0, len(series))
	for n := range series {
		names = append(names, n)
	}
	slices.Sort(names)
	for i, name := range names {
		color := palette[i%len(palette)]
		pts := series[name]
		slices.SortFunc(pts, func(a, b pt) int { return a.at.Compare(b.at) })
		var line []string
		for _, q := range pts {
			line = append(line, fmt.Sprintf("%.1f,%.1f", xOf(q.at.Add(30*time.Minute)), yOf(q.price)))
		}
		if len(line) > 1 {
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, color, strings.Join(line, " "))
		}
		for j, q := range pts {
			xy := strings.Split(line[j], ",")
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="4" fill="%s"><title>%s, %s: median %s per GPU-hour over %d auction(s)</title></circle>`,
				xy[0], xy[1], color, template.HTMLEscapeString(name), q.at.UTC().Format("2006-01-02 15:00 UTC"),
				template.HTMLEscapeString(FormatAmount(q.price, tok.Decimals)), q.n)
		}
		lx, ly := float64(chartW-padRight-230), float64(padTop+8+18*i)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="12" height="12" fill="%s"/>`, lx, ly-10, color)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#111827" font-size="12">%s</text>`, lx+18, ly, template.HTMLEscapeString(name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceStep is a round step (1, 2 or 5 times a power of ten base units)
// that splits 0..max into about four parts.
func niceStep(max *big.Int) *big.Int {
	if max.Sign() <= 0 {
		return big.NewInt(1)
	}
	quarter := new(big.Int).Quo(max, big.NewInt(4))
	pow := big.NewInt(1)
	for new(big.Int).Mul(pow, big.NewInt(10)).Cmp(quarter) <= 0 {
		pow.Mul(pow, big.NewInt(10))
	}
	for _, m := range []int64{1, 2, 5, 10} {
		s := new(big.Int).Mul(pow, big.NewInt(m))
		if s.Cmp(quarter) >= 0 {
			return s
		}
	}
	return new(big.Int).Mul(pow, big.NewInt(10))
}
