// Command benchreport turns the output of the bench module's benchmarks
// (`go test -bench . -benchmem -count N`) into the Markdown tables of BENCHMARKS.md:
// the median ns/op, B/op and allocs/op of every engine × scenario × request, the
// median of compiling the large scenario, and the project's goals as ratios computed
// from those same medians.
//
// Usage:
//
//	benchreport < bench.txt
//	benchreport bench.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// sample is every run of one benchmark, by unit (ns/op, B/op, allocs/op).
type sample map[string][]float64

var procSuffix = regexp.MustCompile(`-\d+$`)

func parse(r io.Reader) (map[string]sample, error) {
	out := map[string]sample{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := procSuffix.ReplaceAllString(f[0], "")
		if out[name] == nil {
			out[name] = sample{}
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q: %w", name, f[i], err)
			}
			out[name][f[i+1]] = append(out[name][f[i+1]], v)
		}
	}
	return out, sc.Err()
}

func median(vs []float64) float64 {
	if len(vs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// spread is half the interquartile range as a fraction of the median: how far the
// middle half of the runs strays, robust to the outliers a shared machine produces
// (the min column shows the other end).
func spread(vs []float64) float64 {
	s := slices.Clone(vs)
	slices.Sort(s)
	q := func(p float64) float64 { // linear interpolation between closest ranks
		x := p * float64(len(s)-1)
		i := int(x)
		if i+1 >= len(s) {
			return s[len(s)-1]
		}
		return s[i] + (x-float64(i))*(s[i+1]-s[i])
	}
	return (q(0.75) - q(0.25)) / 2 / median(vs)
}

type report struct {
	runs map[string]sample
	w    io.Writer
}

func (r report) med(name, unit string) (float64, bool) {
	s, ok := r.runs[name]
	if !ok || len(s[unit]) == 0 {
		return 0, false
	}
	return median(s[unit]), true
}

var (
	engines   = []string{"ours", "ours-merged", "ours-explain", "minio", "cedar"}
	scenarios = []string{"small", "large"}
	requests  = []string{"allow", "allow-var", "deny-explicit", "deny-implicit"}
)

func decision(e, s, q string) string { return "BenchmarkEngines/" + e + "/" + s + "/" + q }
func compile(e string) string        { return "BenchmarkCompile/" + e + "/large" }

func num(v float64) string {
	switch {
	case v >= 100 || v == math.Trunc(v):
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

func (r report) row(label, name string) {
	s, ok := r.runs[name]
	if !ok {
		fmt.Fprintf(r.w, "| %s | not measured | | | | | |\n", label)
		return
	}
	ns := s["ns/op"]
	fmt.Fprintf(r.w, "| %s | %s | %s | ±%.0f%% | %s | %s | %d |\n", label,
		num(median(ns)), num(slices.Min(ns)), 100*spread(ns), num(median(s["B/op"])), num(median(s["allocs/op"])), len(ns))
}

func (r report) tables() {
	fmt.Fprintln(r.w, "| scenario / request / engine | ns/op (median) | ns/op (min) | ±IQR/2 | B/op | allocs/op | runs |")
	fmt.Fprintln(r.w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, s := range scenarios {
		for _, q := range requests {
			for _, e := range engines {
				r.row(s+" / "+q+" / "+e, decision(e, s, q))
			}
		}
	}
	fmt.Fprintln(r.w)
	fmt.Fprintln(r.w, "| compile large (50 policies, 500 statements) / engine | ns/op (median) | ns/op (min) | ±IQR/2 | B/op | allocs/op | runs |")
	fmt.Fprintln(r.w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, e := range engines {
		if e != "ours-explain" { // same load as ours
			r.row(e, compile(e))
		}
	}
	var parts []string
	for name := range r.runs {
		if strings.HasPrefix(name, "BenchmarkMinioLoad/") {
			parts = append(parts, name)
		}
	}
	slices.Sort(parts)
	for _, name := range parts {
		r.row("minio, "+strings.TrimPrefix(name, "BenchmarkMinioLoad/")+" only", name)
	}
}

// goal is one of the project's targets: measured ≤ limit.
type goal struct {
	what     string
	measured float64 // from medians
	fromMin  float64 // the same ratio from the fastest runs, to show how noise moves it
	limit    float64
	unit     string // "×" for ratios, "allocs" for counts
	ok       bool   // false when a benchmark is missing
}

func (g goal) String() string {
	if !g.ok {
		return fmt.Sprintf("| %s | not measured | | | — |", g.what)
	}
	lim := fmt.Sprintf("≤ %s%s", num(g.limit), g.unit)
	got, fastest := num(g.measured)+g.unit, ""
	if g.unit == "×" {
		got, fastest = fmt.Sprintf("%.3f×", g.measured), fmt.Sprintf("%.3f×", g.fromMin)
	}
	verdict := "**met**"
	if g.measured > g.limit {
		if g.unit == "×" {
			verdict = fmt.Sprintf("**not met**: %.2f× over the limit", g.measured/g.limit)
		} else {
			verdict = fmt.Sprintf("**not met**: %s over", num(g.measured-g.limit))
		}
	} else if g.unit == "×" && g.measured > 0 {
		verdict = fmt.Sprintf("**met**, %.2f× headroom", g.limit/g.measured)
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s |", g.what, got, fastest, lim, verdict)
}

func (r report) ratio(what, a, b string, limit float64) goal {
	x, okA := r.med(a, "ns/op")
	y, okB := r.med(b, "ns/op")
	g := goal{what: what, measured: x / y, limit: limit, unit: "×", ok: okA && okB}
	if g.ok {
		g.fromMin = slices.Min(r.runs[a]["ns/op"]) / slices.Min(r.runs[b]["ns/op"])
	}
	return g
}

// conditioned tells whether a request's decision involves conditions: the deciding
// statement of "allow" has conditions and "deny-implicit" is refused only after
// decoys fail on theirs; "allow-var" and "deny-explicit" are decided by statements
// without conditions.
var conditioned = map[string]bool{"allow": true, "deny-implicit": true}

// goals prints the project's goals for our engine run as e (ours, ours-merged or
// ours-explain).
func (r report) goals(e string) {
	var gs []goal
	for _, q := range requests {
		gs = append(gs, r.ratio("small "+q+": "+e+" / minio", decision(e, "small", q), decision("minio", "small", q), 0.5))
	}
	for _, q := range []string{"allow", "allow-var", "deny-implicit"} {
		gs = append(gs, r.ratio("large "+q+": "+e+" / minio", decision(e, "large", q), decision("minio", "large", q), 0.25))
		gs = append(gs, r.ratio("large "+q+": "+e+" / cedar", decision(e, "large", q), decision("cedar", "large", q), 0.05))
	}
	for _, s := range scenarios {
		gs = append(gs, r.ratio(s+" deny-explicit: "+e+" / minio", decision(e, s, "deny-explicit"), decision("minio", s, "deny-explicit"), 1))
	}
	for _, q := range requests {
		gs = append(gs, r.ratio(e+" large / small, "+q, decision(e, "large", q), decision(e, "small", q), 10))
	}
	for _, s := range scenarios {
		for _, q := range requests {
			a, ok := r.med(decision(e, s, q), "allocs/op")
			limit, kind := 0.0, "no conditions"
			if conditioned[q] {
				limit, kind = 2, "conditions"
			}
			gs = append(gs, goal{what: fmt.Sprintf("%s allocs, %s %s (%s)", e, s, q, kind), measured: a, limit: limit, unit: " allocs", ok: ok})
		}
	}
	load := e
	if e == "ours-explain" {
		load = "ours" // loads exactly as ours does
	}
	gs = append(gs, r.ratio("compile large: "+load+" / minio load", compile(load), compile("minio"), 0.25))

	fmt.Fprintln(r.w, "| goal | measured (medians) | (mins) | target | verdict (on medians) |")
	fmt.Fprintln(r.w, "| --- | ---: | ---: | ---: | --- |")
	met, measured := 0, 0
	for _, g := range gs {
		fmt.Fprintln(r.w, g)
		if g.ok {
			measured++
			if g.measured <= g.limit {
				met++
			}
		}
	}
	fmt.Fprintf(r.w, "\n%d of %d goals measured; %d met, %d not met.\n", measured, len(gs), met, measured-met)
}

func main() {
	in := io.Reader(os.Stdin)
	if len(os.Args) > 1 {
		f, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchreport:", err)
			os.Exit(1)
		}
		defer f.Close()
		in = f
	}
	runs, err := parse(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	if len(runs) == 0 {
		fmt.Fprintln(os.Stderr, "benchreport: no benchmark lines in input")
		os.Exit(1)
	}
	r := report{runs: runs, w: os.Stdout}
	r.tables()
	for _, e := range []string{"ours", "ours-merged", "ours-explain"} {
		fmt.Fprintf(r.w, "\nGoals for %s:\n\n", e)
		r.goals(e)
	}
}
