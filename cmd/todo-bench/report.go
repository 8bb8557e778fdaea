package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

func writeJSON(w io.Writer, rep *report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// writeTable prints the report for people: the setting, then one row per
// operation with its ceilings and the fraction of the composed one.
func writeTable(w io.Writer, rep *report) {
	m := rep.Machine
	fmt.Fprintf(w, "store %s, %d connections (%s client), %s per measurement after %s warm-up, %d users x %d tasks",
		rep.Store, rep.Conns, rep.Client, rep.Duration, rep.Warmup, rep.Users, rep.TasksPerUser)
	if rep.LargeTasks > 0 {
		fmt.Fprintf(w, " + %s background tasks", thousands(float64(rep.LargeTasks)))
	}
	fmt.Fprintf(w, "\nDB ceiling: the store (its repository over the database, no HTTP), %d connections", rep.DBConns)
	fmt.Fprintf(w, "\nmachine: %d CPUs (%s), %.1f GiB, %s, %s\n", m.CPUs, m.CPUModel,
		float64(m.MemTotalBytes)/(1<<30), m.GoVersion, m.Database)
	fmt.Fprintf(w, "load average: %s at start, %s at end; speed probe %.1f ms at start, %.1f ms at end\n",
		m.LoadStart, m.LoadEnd, m.ProbeStartMS, m.ProbeEndMS)
	if rep.Target == "" {
		fmt.Fprintf(w, "server: start to ready %.1f ms; ", rep.StartToReadyMS)
	}
	fmt.Fprintf(w, "peak RSS %s (VmHWM)\n\n", mib(rep.PeakRSSBytes))

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\treq/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\terrors\tRSS\t\tHTTP ceil\tDB ceil\tcomposed\tfraction\t")
	for _, r := range rep.Ops {
		s := r.Service
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%.2f\t%.2f\t%.1f\t%d\t%s\t\t%s\t%s\t%s\t%s\t\n",
			r.Op, thousands(s.RPS), s.P50ms, s.P90ms, s.P99ms, s.Maxms, s.Errors, mib(r.PeakRSSBytes),
			rps(r.HTTPCeiling), rps(r.DBCeiling), thousands(r.ComposedRPS), percent(r.Fraction))
	}
	_ = tw.Flush()
	if c := rep.Catchup; c != nil {
		fmt.Fprintf(w, "\nfeed catch-up: %s changes in pages of %d, read in %s s (%s changes/s, median run); "+
			"a page: p50 %.1f ms, p99 %.1f ms, max %.1f ms, %s bytes; made in %.1f s\n",
			thousands(float64(c.Changes)), c.PageSize, secs(c.RunsSecs), thousands(c.Rate), c.PageP50ms, c.PageP99ms, c.PageMaxms,
			thousands(c.PageBytes), c.SeedSecs)
	}
	writeScenarios(w, rep)
	if s := rep.Streams; s != nil {
		writeStreams(w, s)
	}
	writeCeilingDetails(w, rep)
	writePlans(w, rep)
	writeListPlans(w, rep)
	writeErrors(w, rep)
}

// writeScenarios shows each list scenario beside the plain LIST of the
// same run, against the target: at least half LIST's requests per second,
// p99 at most 25 ms.
func writeScenarios(w io.Writer, rep *report) {
	if len(rep.Scenarios) == 0 {
		return
	}
	var list *result
	for i := range rep.Ops {
		if rep.Ops[i].Op == "list" {
			list = &rep.Ops[i].Service
		}
	}
	fmt.Fprintf(w, "\nlist scenarios: heavy users' lists (%s sample tasks in all), pages of %d; LIST is a seeded user's whole list of %d\n",
		thousands(float64(rep.Scenarios[0].Tasks)), listPageSize, rep.TasksPerUser)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "op\trequest\tselects\treq/s\tof LIST\tp50 ms\tp99 ms\ttarget (>= 50 % of LIST, p99 <= 25 ms)\t")
	for _, sc := range rep.Scenarios {
		var r *result
		for i := range rep.Ops {
			if rep.Ops[i].Op == sc.Op {
				r = &rep.Ops[i].Service
			}
		}
		if r == nil {
			continue
		}
		ratio, verdict := "-", "-"
		if list != nil && list.RPS > 0 {
			ratio = percent(r.RPS / list.RPS)
			verdict = "met"
			if r.RPS < list.RPS/2 || r.P99ms > 25 {
				verdict = "NOT met"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s (%.1f %%)\t%s\t%s\t%.2f\t%.2f\t%s\t\n", sc.Op, sc.Request, thousands(float64(sc.Matches)),
			100*float64(sc.Matches)/float64(max(sc.Tasks, 1)), thousands(r.RPS), ratio, r.P50ms, r.P99ms, verdict)
	}
	_ = tw.Flush()
}

// writeListPlans lists a line about each plan, then the plans.
func writeListPlans(w io.Writer, rep *report) {
	if len(rep.ListPlans) == 0 {
		return
	}
	fmt.Fprintf(w, "\nplans of a heavy user's lists (limit %d): the owner's indexes read; PostgreSQL: custom plan, then generic\n", listPageSize)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, p := range rep.ListPlans {
		fmt.Fprintf(tw, "%s\t%s\t", p.Name, planSummary(p.Plan))
		if p.Generic != "" {
			fmt.Fprintf(tw, "%s\t", planSummary(p.Generic))
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
	for _, p := range rep.ListPlans {
		fmt.Fprintf(w, "\nplan of %s:\n  %s\n", p.Name, strings.ReplaceAll(p.Plan, "\n", "\n  "))
		if p.Generic != "" {
			fmt.Fprintf(w, "generic plan of %s:\n  %s\n", p.Name, strings.ReplaceAll(p.Generic, "\n", "\n  "))
		}
	}
}

func writePlans(w io.Writer, rep *report) {
	for _, op := range []string{"get", "list"} {
		if plan, ok := rep.Plans[op]; ok {
			fmt.Fprintf(w, "\nplan of %s:\n  %s\n", op, strings.ReplaceAll(plan, "\n", "\n  "))
		}
	}
}

// writeCeilingDetails shows the ceilings' latencies, which explain where a
// service's p99 comes from, and where the CPU went in each measurement.
func writeCeilingDetails(w io.Writer, rep *report) {
	fmt.Fprintln(w, "\nlatency p50 / p99 ms of the ceilings; CPU in cores: server (the service's, or the trivial one) /")
	fmt.Fprintln(w, "PostgreSQL backends / this process (client; the store for DB) / other work on the machine")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\tHTTP\tDB\t\tCPU service\tCPU HTTP\tCPU DB\tresponse bytes\t")
	for _, r := range rep.Ops {
		fmt.Fprintf(tw, "%s\t%s\t%s\t\t%s\t%s\t%s\t%.0f\t\n", r.Op, lat(r.HTTPCeiling), lat(r.DBCeiling),
			cpu(&r.Service), cpu(r.HTTPCeiling), cpu(r.DBCeiling), r.Service.MeanBytes)
	}
	_ = tw.Flush()
}

func writeErrors(w io.Writer, rep *report) {
	for _, r := range rep.Ops {
		for _, x := range []struct {
			what string
			res  *result
		}{{"service", &r.Service}, {"HTTP ceiling", r.HTTPCeiling}, {"DB ceiling", r.DBCeiling}} {
			if x.res != nil && x.res.Errors > 0 {
				fmt.Fprintf(w, "ERRORS: %s %s: %d of %d, first: %s\n", r.Op, x.what, x.res.Errors, x.res.Requests, x.res.FirstError)
			}
		}
	}
}

func rps(r *result) string {
	if r == nil {
		return "-"
	}
	return thousands(r.RPS)
}

func lat(r *result) string {
	if r == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f / %.2f", r.P50ms, r.P99ms)
}

// cpu is srv/db/client/other, with a * when other work was not accounted
// for and an attempt count when the measurement was repeated.
func cpu(r *result) string {
	if r == nil {
		return "-"
	}
	s := fmt.Sprintf("%.2f/%.2f/%.2f/%.2f", r.ServerCPU, r.DatabaseCPU, r.ClientCPU, r.OtherCPU)
	if !r.Accounted {
		s += "*"
	}
	if r.Attempts > 1 {
		s += fmt.Sprintf(" (try %d)", r.Attempts)
	}
	return s
}

func percent(f float64) string {
	if f == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f %%", 100*f)
}

func mib(b int64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

// thousands formats a rate with thousands separators: 12,345.
func thousands(f float64) string {
	if f == 0 {
		return "-"
	}
	s := strconv.FormatInt(int64(f+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// secs lists durations in seconds: "1.23, 1.19, 1.25".
func secs(v []float64) string {
	parts := make([]string, len(v))
	for i, s := range v {
		parts[i] = strconv.FormatFloat(s, 'f', 2, 64)
	}
	return strings.Join(parts, ", ")
}

func writeStreams(w io.Writer, s *streamsReport) {
	fmt.Fprintf(w, "\nlive events: %s streams of %s users on %d server(s), opened in %.1f s; "+
		"%s creates at %s/s (target %s/s), %d failed\n", thousands(float64(s.Streams)), thousands(float64(s.Users)),
		s.Replicas, s.OpenSeconds, thousands(float64(s.Writes)), thousands(s.WritesPerSec), thousands(s.TargetRate), s.WriteErrors)
	fmt.Fprintf(w, "  commit to delivery: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", s.P50ms, s.P99ms, s.Maxms)
	fmt.Fprintf(w, "  events: %s expected, %s delivered, %d missing, %d duplicated, %d unexpected; %d streams failed\n",
		thousands(float64(s.Expected)), thousands(float64(s.Delivered)), s.Missing, s.Duplicates, s.Unexpected, s.StreamErrors)
	fmt.Fprintf(w, "  servers' RSS: %s before, %s with the streams open (%s per stream), %s at peak\n",
		mib(s.RSSBefore), mib(s.RSSOpen), thousands(s.BytesPerStream)+" B", mib(s.RSSPeak))
	if s.FirstError != "" {
		fmt.Fprintf(w, "  first error: %s\n", s.FirstError)
	}
}
