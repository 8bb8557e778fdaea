package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine says where the numbers were measured.
type machine struct {
	CPUs          int    `json:"cpus"`
	CPUModel      string `json:"cpu_model"`
	MemTotalBytes int64  `json:"mem_total_bytes"`
	GoVersion     string `json:"go_version"`
	OS            string `json:"os"`
	Kernel        string `json:"kernel,omitempty"`
	Database      string `json:"database,omitempty"`
	LoadStart     string `json:"load_average_start"`
	LoadEnd       string `json:"load_average_end"`
	// ProbeStartMS and ProbeEndMS time a fixed single-threaded computation
	// before and after the run. On a virtual machine, other tenants can
	// slow every process down without showing as CPU use here; a slower
	// probe than in another run says so.
	ProbeStartMS float64 `json:"probe_start_ms"`
	ProbeEndMS   float64 `json:"probe_end_ms"`
}

// probe times hashing 16 MiB with SHA-256, best of three, in ms.
func probe() float64 {
	buf := make([]byte, 1<<20)
	best := time.Duration(math.MaxInt64)
	for range 3 {
		start := time.Now()
		for range 16 {
			sha256.Sum256(buf)
		}
		best = min(best, time.Since(start))
	}
	return float64(best.Microseconds()) / 1000
}

func (b *bench) machine(ctx context.Context) machine {
	m := machine{
		CPUs:         runtime.NumCPU(),
		CPUModel:     procField("/proc/cpuinfo", "model name"),
		GoVersion:    runtime.Version(),
		OS:           runtime.GOOS + "/" + runtime.GOARCH,
		Database:     b.store.version(ctx),
		LoadStart:    loadAverage(),
		ProbeStartMS: probe(),
	}
	if kb, err := strconv.ParseInt(strings.TrimSuffix(procField("/proc/meminfo", "MemTotal"), " kB"), 10, 64); err == nil {
		m.MemTotalBytes = kb << 10
	}
	if v, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(v))
	}
	return m
}

// procField returns the value of the first "key: value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// loadAverage is the 1, 5 and 15 minute load averages.
func loadAverage() string {
	v, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(v))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
