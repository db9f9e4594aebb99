package main

import (
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

// The client's flag handling and helpers; interop/client_test.go runs the
// built client against servers.

func TestJoinBoolValues(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"--use_tls", "true", "--server_port=1"}, []string{"--use_tls=true", "--server_port=1"}},
		{[]string{"-use_test_ca", "false"}, []string{"-use_test_ca=false"}},
		{[]string{"--use_tls=true", "--use_test_ca"}, []string{"--use_tls=true", "--use_test_ca"}},
		{[]string{"--use_tls", "--server_port=1"}, []string{"--use_tls", "--server_port=1"}},
		{[]string{"--test_case", "true"}, []string{"--test_case", "true"}}, // not a boolean flag
	} {
		if got := joinBoolValues(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("joinBoolValues(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseArgs(t *testing.T) {
	a, err := parseArgs([]string{"--server_port=8080", "--use_tls", "true", "--server_host_override=foo.test.google.fr"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if a.serverHost != "localhost" || a.testCase != "large_unary" || !a.useTLS || a.useTestCA {
		t.Errorf("defaults: %+v", a)
	}
	if got := a.target(); got != "localhost:8080" {
		t.Errorf("target() = %q", got)
	}
	// The spec's soak defaults: 10 iterations, 0 failures, 1000 ms, and an
	// overall timeout of 1000 ms × 10.
	if s := a.soak; s.iterations != 10 || s.maxFailures != 0 || s.maxLatencyMs != 1000 || s.overallTimeout() != 10*time.Second || s.numThreads != 1 {
		t.Errorf("soak defaults: %+v, overall timeout %v", s, s.overallTimeout())
	}

	a, err = parseArgs([]string{"--server_port=1", "--server_host=::1", "--soak_overall_timeout_seconds=3"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.target(); got != "[::1]:1" {
		t.Errorf("target() = %q, want [::1]:1", got)
	}
	if got := a.soak.overallTimeout(); got != 3*time.Second {
		t.Errorf("overallTimeout() = %v, want 3s", got)
	}

	for _, argv := range [][]string{
		{},
		{"--server_port=70000"},
		{"--server_port=1", "extra"},
		{"--server_port=1", "--soak_per_iteration_max_acceptable_latency_ms=0"},
		{"--server_port=1", "--custom_credentials_type=compute_engine_channel_creds"},
	} {
		if _, err := parseArgs(argv, io.Discard); err == nil {
			t.Errorf("parseArgs(%q) succeeded, want an error", argv)
		}
	}
}

func TestRequestPipe(t *testing.T) {
	p := newRequestPipe[int]()
	p.Add(1)
	p.Add(2)
	p.Close()
	p.Close() // again: no panic
	if got := slices.Collect(p.Seq()); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("Seq() = %v, want [1 2]", got)
	}
}

func TestCaseNames(t *testing.T) {
	names := caseNames()
	if len(names) != 20 {
		t.Errorf("%d cases, want the 20 of the spec this client runs: %s", len(names), strings.Join(names, ", "))
	}
	for _, n := range names {
		if _, both := unsupportedCases[n]; both {
			t.Errorf("%s is both run and unsupported", n)
		}
	}
}
