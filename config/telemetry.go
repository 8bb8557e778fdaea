package config

import (
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Telemetry configures adapters/telemetry: the admin listener, and whether
// traces are exported.
type Telemetry struct {
	// AdminAddr is where /metrics and /debug/pprof/ are served (ADMIN_ADDR).
	// Empty means no admin listener, and no metrics kept.
	AdminAddr string
	// TracesEndpoint is where spans are exported over OTLP (HTTP/protobuf):
	// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT
	// with /v1/traces appended, as the OpenTelemetry SDK reads them. Empty:
	// spans are not exported. The SDK reads these and the other OTEL_*
	// variables (headers, timeout, sampler, batching) itself; the service
	// only decides whether to export, and checks what it cannot do.
	TracesEndpoint string
}

// The standard OpenTelemetry variables the service looks at.
const (
	envOTLPEndpoint       = "OTEL_EXPORTER_OTLP_ENDPOINT"
	envOTLPTracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
	envOTLPProtocol       = "OTEL_EXPORTER_OTLP_PROTOCOL"
	envOTLPTracesProtocol = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
	envTracesExporter     = "OTEL_TRACES_EXPORTER"
	envSDKDisabled        = "OTEL_SDK_DISABLED"
)

// emptyTurnsOff lets ADMIN_ADDR= (set, but empty) turn the admin listener
// off, as the contract says, although viper reads any other empty variable
// as unset. A flag still wins over the environment.
func emptyTurnsOff(v *viper.Viper, fs *pflag.FlagSet) {
	val, ok := os.LookupEnv(strings.ToUpper(KeyAdminAddr))
	if !ok || strings.TrimSpace(val) != "" {
		return
	}
	if fs != nil {
		for _, s := range Settings {
			if f := fs.Lookup(s.Flag); s.Key == KeyAdminAddr && f != nil && f.Changed {
				return
			}
		}
	}
	v.Set(KeyAdminAddr, "")
}

// loadTelemetry reads ADMIN_ADDR, and the OTEL_* variables through getenv:
// the SDK reads those from the process's environment only, so a config
// file or flag could not reach it.
func loadTelemetry(v *viper.Viper, getenv func(string) string, c *Config, bad func(string, string, ...any)) {
	t := &c.Telemetry
	t.AdminAddr = strings.TrimSpace(v.GetString(KeyAdminAddr))
	if t.AdminAddr != "" {
		if _, _, err := net.SplitHostPort(t.AdminAddr); err != nil {
			bad(KeyAdminAddr, "%q is not an address such as 127.0.0.1:9464 (empty turns the admin listener off)", t.AdminAddr)
		} else if sameListener(t.AdminAddr, c.HTTP.Addr) {
			bad(KeyAdminAddr, "%s is the API's address (HTTP_ADDR %s): metrics and profiles must not be served publicly", t.AdminAddr, c.HTTP.Addr)
		}
	}
	switch exporter := strings.ToLower(strings.TrimSpace(getenv(envTracesExporter))); exporter {
	case "", "otlp":
	case "none":
		return
	default:
		bad(envTracesExporter, "%q is not supported: otlp (the default) or none", exporter)
		return
	}
	if off, err := strconv.ParseBool(strings.TrimSpace(getenv(envSDKDisabled))); err == nil && off {
		return
	}
	endpoint, endpointVar := strings.TrimSpace(getenv(envOTLPTracesEndpoint)), envOTLPTracesEndpoint
	if endpoint == "" {
		endpoint, endpointVar = strings.TrimSpace(getenv(envOTLPEndpoint)), envOTLPEndpoint
		if endpoint != "" {
			endpoint = strings.TrimRight(endpoint, "/") + "/v1/traces"
		}
	}
	if endpoint == "" {
		return
	}
	if err := checkHTTPURL(endpoint); err != nil {
		bad(endpointVar, "%v", err)
	}
	protocol, protocolVar := strings.TrimSpace(getenv(envOTLPTracesProtocol)), envOTLPTracesProtocol
	if protocol == "" {
		protocol, protocolVar = strings.TrimSpace(getenv(envOTLPProtocol)), envOTLPProtocol
	}
	if protocol != "" && protocol != "http/protobuf" {
		bad(protocolVar, "%q is not supported: traces are exported over OTLP http/protobuf", protocol)
	}
	t.TracesEndpoint = endpoint
}

// sameListener reports whether two listen addresses would take the same
// port on a common interface: ":8080" and "127.0.0.1:8080" do.
func sameListener(a, b string) bool {
	ha, pa, errA := net.SplitHostPort(a)
	hb, pb, errB := net.SplitHostPort(b)
	if errA != nil || errB != nil || pa != pb || pa == "0" {
		return false
	}
	wildcard := func(h string) bool { ip := net.ParseIP(h); return h == "" || ip != nil && ip.IsUnspecified() }
	return ha == hb || wildcard(ha) || wildcard(hb)
}
