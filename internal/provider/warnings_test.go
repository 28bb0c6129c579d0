package provider

import (
	"context"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// loggedWarning is a warning diagnostic the provider returned, with the
// RPC that returned it.
type loggedWarning struct {
	RPC     string
	Summary string
	Detail  string
}

// warningRecorder keeps the warnings the provider under test returns:
// terraform-plugin-testing shows a test no diagnostics but errors. One
// recorder belongs to one test (see captureWarnings), so tests that read
// warnings run in parallel.
type warningRecorder struct {
	mu       sync.Mutex
	warnings []loggedWarning
}

// captureWarnings returns provider factories that record the warnings the
// provider returns during the test, and a function that reads the warnings
// recorded so far.
func captureWarnings() (map[string]func() (tfprotov6.ProviderServer, error), func() []loggedWarning) {
	rec := &warningRecorder{}
	return providerFactories(nil, rec), rec.all
}

func (r *warningRecorder) all() []loggedWarning {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]loggedWarning(nil), r.warnings...)
}

func (r *warningRecorder) record(rpc string, diags []*tfprotov6.Diagnostic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityWarning {
			r.warnings = append(r.warnings, loggedWarning{RPC: rpc, Summary: d.Summary, Detail: d.Detail})
		}
	}
}

// wrap returns s with the warnings of its responses recorded. The list
// resource calls pass through and stay visible to the type assertion that
// finds them.
func (r *warningRecorder) wrap(s tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	return &recordingServer{ProviderServer: s, list: s.(tfprotov6.ListResourceServer), rec: r}
}

type recordingServer struct {
	tfprotov6.ProviderServer
	list tfprotov6.ListResourceServer
	rec  *warningRecorder
}

// recorded records the warnings of a response that carries diagnostics.
func recorded[Resp any](rec *warningRecorder, rpc string, resp *Resp, err error, diags func(*Resp) []*tfprotov6.Diagnostic) (*Resp, error) {
	if resp != nil {
		rec.record(rpc, diags(resp))
	}
	return resp, err
}

func (s *recordingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateProviderConfig(ctx, req)
	return recorded(s.rec, "ValidateProviderConfig", resp, err, func(r *tfprotov6.ValidateProviderConfigResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *recordingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	resp, err := s.ProviderServer.ConfigureProvider(ctx, req)
	return recorded(s.rec, "ConfigureProvider", resp, err, func(r *tfprotov6.ConfigureProviderResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *recordingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	resp, err := s.ProviderServer.ValidateResourceConfig(ctx, req)
	return recorded(s.rec, "ValidateResourceConfig", resp, err, func(r *tfprotov6.ValidateResourceConfigResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *recordingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	return recorded(s.rec, "ReadResource", resp, err, func(r *tfprotov6.ReadResourceResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	return recorded(s.rec, "PlanResourceChange", resp, err, func(r *tfprotov6.PlanResourceChangeResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	return recorded(s.rec, "ApplyResourceChange", resp, err, func(r *tfprotov6.ApplyResourceChangeResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *recordingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp, err := s.ProviderServer.ImportResourceState(ctx, req)
	return recorded(s.rec, "ImportResourceState", resp, err, func(r *tfprotov6.ImportResourceStateResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *recordingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	return recorded(s.rec, "ReadDataSource", resp, err, func(r *tfprotov6.ReadDataSourceResponse) []*tfprotov6.Diagnostic { return r.Diagnostics })
}

func (s *recordingServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return s.list.ValidateListResourceConfig(ctx, req)
}

func (s *recordingServer) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	return s.list.ListResource(ctx, req)
}

// findWarning returns the first warning with this summary logged by rpc
// ("" for any) whose detail contains every part, and whether there is one.
func findWarning(warnings []loggedWarning, rpc, summary string, parts ...string) (loggedWarning, bool) {
	for _, w := range warnings {
		if w.Summary != summary || (rpc != "" && w.RPC != rpc) {
			continue
		}
		all := true
		for _, p := range parts {
			if !strings.Contains(w.Detail, p) {
				all = false
				break
			}
		}
		if all {
			return w, true
		}
	}
	return loggedWarning{}, false
}
