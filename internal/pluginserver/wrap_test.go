package pluginserver

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/openscim/terraform-provider-scim/internal/provider"
)

type payloadKey struct{}

// payload stands for the request values terraform-plugin-go attaches
// (loggers, their options): big, and reachable from the request context.
type payload struct{ _ [16 << 10]byte }

// requestsKeptAlive sends n ValidateResourceConfig calls, each with a
// context carrying its own payload, and reports how many payloads are still
// reachable once the calls have returned.
func requestsKeptAlive(t *testing.T, s tfprotov6.ProviderServer, n int) int {
	t.Helper()
	refs := make([]weak.Pointer[payload], n)
	for i := range n {
		p := &payload{}
		refs[i] = weak.Make(p)
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), payloadKey{}, p))
		_, err := s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "scim_connected_app"})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.GC()
	alive := 0
	for _, r := range refs {
		if r.Value() != nil {
			alive++
		}
	}
	runtime.KeepAlive(s) // the server lives as long as the provider process
	return alive
}

func frameworkServer() tfprotov6.ProviderServer {
	return providerserver.NewProtocol6(provider.New("test")())()
}

// The framework keeps every call's context until StopProvider; wrapped, a
// finished call's request is let go.
func TestWrapLetsFinishedRequestsGo(t *testing.T) {
	const n = 200
	if kept := requestsKeptAlive(t, frameworkServer(), n); kept < n/2 {
		t.Logf("the framework no longer keeps finished calls' contexts (%d of %d kept); the wrapper may be unnecessary", kept, n)
	}
	if kept := requestsKeptAlive(t, Wrap(frameworkServer()), n); kept > 0 {
		t.Fatalf("%d of %d finished requests are still reachable through the wrapped server", kept, n)
	}
}

// While the call runs, the request's values are visible; its cancellation
// and deadline reach the call; when the call returns, its context is done
// and no longer holds the request.
func TestDetach(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	request, cancelRequest := context.WithDeadline(context.WithValue(context.Background(), payloadKey{}, "v"), deadline)
	defer cancelRequest()
	ctx, release := detach(request)
	if got := ctx.Value(payloadKey{}); got != "v" {
		t.Fatalf("Value during the call = %v, want the request's value", got)
	}
	if got, ok := ctx.Deadline(); !ok || !got.Equal(deadline) {
		t.Fatalf("Deadline = %v, %v; want the request's %v", got, ok, deadline)
	}
	child, cancelChild := context.WithCancel(ctx)
	defer cancelChild()
	cancelRequest()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the request did not reach a context derived from the call's")
	}
	release()
	if ctx.Value(payloadKey{}) != nil {
		t.Fatal("the call's context still answers with the request's values after release")
	}
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("Err after release = %v, want Canceled", ctx.Err())
	}
}

func TestDetachReleaseWithoutCancel(t *testing.T) {
	request := context.WithValue(context.Background(), payloadKey{}, "v")
	ctx, release := detach(request)
	if _, ok := ctx.Deadline(); ok {
		t.Fatal("a request without a deadline gave the call one")
	}
	if ctx.Err() != nil {
		t.Fatalf("Err during the call = %v", ctx.Err())
	}
	release()
	if ctx.Err() == nil {
		t.Fatal("the call's context is not done after release")
	}
}

// terraform-plugin-go serves `terraform query` only when the server it is
// given implements the list resource RPCs: the wrapper keeps them, and
// they reach the framework (an unknown type is the framework's error, not
// "not implemented").
func TestWrapKeepsListResources(t *testing.T) {
	s, ok := Wrap(frameworkServer()).(tfprotov6.ListResourceServer)
	if !ok {
		t.Fatal("the wrapped server does not implement tfprotov6.ListResourceServer")
	}
	resp, err := s.ValidateListResourceConfig(context.Background(), &tfprotov6.ValidateListResourceConfigRequest{TypeName: "scim_no_such_type"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Diagnostics) == 0 || resp.Diagnostics[0].Summary != "List Resource Type Not Found" {
		t.Errorf("diagnostics = %+v, want the framework's List Resource Type Not Found", resp.Diagnostics)
	}
}

// rpcMethods are the methods of t that serve an RPC: those taking a context
// and a tfprotov6 request (or stream), by name.
func rpcMethods(t reflect.Type) map[string]reflect.Type {
	contextType := reflect.TypeFor[context.Context]()
	protocolPackage := reflect.TypeFor[tfprotov6.ProviderServer]().PkgPath()
	out := map[string]reflect.Type{}
	for m := range t.Methods() {
		// m.Type's first argument is the receiver.
		if m.Type.NumIn() != 3 || m.Type.In(1) != contextType {
			continue
		}
		if req := m.Type.In(2); req.Kind() != reflect.Pointer || req.Elem().PkgPath() != protocolPackage {
			continue
		}
		out[m.Name] = m.Type
	}
	return out
}

// terraform-plugin-go finds the optional RPC sets (list resources, actions,
// state stores, and whatever comes next) by type assertions on the server
// it is given, so a wrapper that lacks one hides it: it once hid the list
// resources, and Terraform 1.14 answered "not implemented". Every RPC the
// framework's server has, the wrapped server has too, with the same
// signature.
func TestWrapHidesNoRPC(t *testing.T) {
	framework, wrapped := frameworkServer(), Wrap(frameworkServer())
	frameworkRPCs, wrappedRPCs := rpcMethods(reflect.TypeOf(framework)), rpcMethods(reflect.TypeOf(wrapped))
	if _, ok := frameworkRPCs["ListResource"]; !ok {
		t.Fatalf("found no ListResource among the framework server's RPCs %v: rpcMethods no longer recognises them", frameworkRPCs)
	}
	for name, f := range frameworkRPCs {
		w, ok := wrappedRPCs[name]
		if !ok {
			t.Errorf("the wrapped server hides %s", name)
			continue
		}
		// Compare without the receivers.
		if f.NumOut() != w.NumOut() || f.In(1) != w.In(1) || f.In(2) != w.In(2) || f.Out(0) != w.Out(0) {
			t.Errorf("%s: the wrapped server's is %v, the framework's %v", name, w, f)
		}
	}
	// The interfaces tf6server asserts today, named for the reader. They are
	// deprecated in favour of ProviderServer growing these methods, but
	// tf6server still finds the RPC sets by them.
	for _, optional := range []reflect.Type{
		reflect.TypeFor[tfprotov6.ProviderServerWithListResource](), //nolint:staticcheck // what tf6server asserts
		reflect.TypeFor[tfprotov6.ProviderServerWithActions](),      //nolint:staticcheck // what tf6server asserts
		reflect.TypeFor[tfprotov6.ProviderServerWithStateStores](),  //nolint:staticcheck // what tf6server asserts
	} {
		if reflect.TypeOf(framework).Implements(optional) && !reflect.TypeOf(wrapped).Implements(optional) {
			t.Errorf("the framework's server implements %v, the wrapped one does not", optional)
		}
	}
}

// onlyProviderServer stands for a server that is not the framework's.
type onlyProviderServer struct{ tfprotov6.ProviderServer }

// A server without all of the framework's RPC sets is served as it is,
// rather than wrapped into one that hides those it has.
func TestWrapLeavesOtherServers(t *testing.T) {
	s := &onlyProviderServer{}
	if got := Wrap(s); got != tfprotov6.ProviderServer(s) {
		t.Errorf("Wrap(%T) = %T, want the server itself", s, got)
	}
}
