package pluginserver

import (
	"context"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The wrapper keeps a Terraform command of thousands of resource instances
// from keeping every finished call's context alive until the provider
// exits.
//
// terraform-plugin-framework (v1.19) derives a cancellable context for each
// call and keeps its cancel function in a list that only StopProvider
// empties, so it can cancel calls in flight. Each kept function holds its
// context, and through it the whole chain of request values that
// terraform-plugin-go attaches (loggers and their options, request id, the
// gRPC stream): about 36 KB per call, four calls per account in a plan, so
// 10,000 accounts held over a gigabyte by the end of one plan. The wrapper
// hands the framework a small context of its own for the calls made per
// resource instance: it is cancelled when the request is (and at its
// deadline), it answers Value lookups from the request while the call runs,
// and it lets go of the request when the call returns. What the framework
// keeps is then a few hundred bytes per call.

// fullServer is every set of RPCs the framework's server implements:
// ProviderServer, and the optional ones terraform-plugin-go's tf6server
// finds by a type assertion (tfprotov6.ProviderServerWithListResource,
// ProviderServerWithActions, ProviderServerWithStateStores). The wrapper
// embeds it, so each passes through unless the wrapper overrides it;
// TestWrapHidesNoRPC fails when the framework grows an RPC this misses.
type fullServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// Wrap returns the framework's server s with its per-instance calls
// detached from their request contexts when they return. All other calls,
// including the optional list resource (`terraform query`), action and
// state store RPCs, pass through unchanged. A server that is not the
// framework's is returned as it is: wrapping it could hide an RPC set.
func Wrap(s tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	f, ok := s.(fullServer)
	if !ok {
		return s
	}
	return &server{fullServer: f}
}

// server is a wrapped server. Listing is one call per list block, and
// actions and state stores are not per instance, so they need no
// detaching.
type server struct{ fullServer }

// detached is a context whose cancellation and deadline are its own, and
// whose values come from the request until release.
type detached struct {
	context.Context // cancelled with the request, at its deadline, and on release
	request         atomic.Pointer[context.Context]
}

// Value looks in the detached context first, so the standard library finds
// the detached context's own cancellation (children register there, not in
// the request), then in the request while the call runs.
func (d *detached) Value(key any) any {
	if v := d.Context.Value(key); v != nil {
		return v
	}
	if r := d.request.Load(); r != nil {
		return (*r).Value(key)
	}
	return nil
}

// detach returns a context for one call and the function to call when it
// returns.
func detach(request context.Context) (context.Context, func()) {
	base, cancel := context.WithCancel(context.Background())
	if deadline, ok := request.Deadline(); ok {
		base, cancel = context.WithDeadline(context.Background(), deadline)
	}
	stop := context.AfterFunc(request, cancel)
	d := &detached{Context: base}
	d.request.Store(&request)
	return d, func() {
		stop()
		d.request.Store(nil)
		cancel()
	}
}

func call[Req, Resp any](ctx context.Context, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	ctx, release := detach(ctx)
	defer release()
	return f(ctx, req)
}

func (s *server) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return call(ctx, req, s.fullServer.ValidateResourceConfig)
}

func (s *server) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return call(ctx, req, s.fullServer.UpgradeResourceState)
}

func (s *server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return call(ctx, req, s.fullServer.ReadResource)
}

func (s *server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return call(ctx, req, s.fullServer.PlanResourceChange)
}

func (s *server) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return call(ctx, req, s.fullServer.ApplyResourceChange)
}

func (s *server) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return call(ctx, req, s.fullServer.ImportResourceState)
}

func (s *server) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return call(ctx, req, s.fullServer.MoveResourceState)
}

func (s *server) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return call(ctx, req, s.fullServer.UpgradeResourceIdentity)
}

func (s *server) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return call(ctx, req, s.fullServer.ValidateDataResourceConfig)
}

func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return call(ctx, req, s.fullServer.ReadDataSource)
}
