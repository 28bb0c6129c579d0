package provider

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// The group fault matrix: a group create meets each fault of the user
// matrix (an answer lost after the app applied the POST, an unusable 2xx
// answer, a gateway timeout, throttling, an answer slower than the
// request timeout), on an app whose group names need not be unique, on one
// where they must be, and on the independent server with the faults
// played in front of it. Every cell converges in one apply: exactly one
// group, holding the configured members, tracked in state, and nothing
// left to plan.

type groupFault struct {
	name         string
	providerArgs string
	fault        scimtarget.Fault
}

func groupFaults() []groupFault {
	post := func(f scimtarget.Fault) scimtarget.Fault {
		f.Method, f.Path = http.MethodPost, "/Groups"
		return f
	}
	return []groupFault{
		{name: "reset", fault: post(scimtarget.Fault{DropAfterWrite: true})},
		{name: "html200", fault: post(scimtarget.Fault{ApplyThenBody: true, Status: http.StatusOK,
			Body: "<html><body>Service temporarily degraded</body></html>", ContentType: "text/html"})},
		{name: "malformed201", fault: post(scimtarget.Fault{ApplyThenBody: true, Status: http.StatusCreated, Body: `{"id": "`,
			ContentType: "application/scim+json"})},
		{name: "504", fault: post(scimtarget.Fault{Status: http.StatusGatewayTimeout})},
		{name: "429", fault: post(scimtarget.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"})},
		{name: "timeout", providerArgs: faultRequestTimeout, fault: post(scimtarget.Fault{Latency: faultLatency})},
	}
}

// groupFaultServers are the servers of the matrix.
var groupFaultServers = []struct {
	name  string
	start func(t *testing.T) (accountServer, string)
}{
	{"namesNotUnique", func(t *testing.T) (accountServer, string) { return newTestTarget(t) }},
	{"uniqueNames", func(t *testing.T) (accountServer, string) {
		target, baseURL := newTestTarget(t)
		must(t, target.SetAttributeUniqueness("urn:ietf:params:scim:schemas:core:2.0:Group", "displayName", "server"))
		return target, baseURL
	}},
	{"independent", func(t *testing.T) (accountServer, string) { return newIndependentServer(t) }},
}

func TestAccFault_groupCreate(t *testing.T) {
	t.Parallel()
	for _, server := range groupFaultServers {
		for _, f := range groupFaults() {
			t.Run(server.name+"/"+f.name, func(t *testing.T) {
				srv, baseURL := server.start(t)
				testAccFaultGroupCreate(t, srv, baseURL, f)
			})
		}
	}
}

func testAccFaultGroupCreate(t *testing.T, srv accountServer, baseURL string, f groupFault) {
	c := peopleConfig{baseURL: baseURL, people: threePeople()}
	if f.providerArgs != "" {
		c.providerArgs = []string{f.providerArgs}
	}
	config := c.String() + groupBlock("eng", "Engineering", membersOf("alice", "bob"))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := len(groupsOf(srv, "Engineering")); n != 0 {
				return fmt.Errorf("%d groups named Engineering after destroy", n)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			PreConfig: func() { srv.InjectFault(f.fault) },
			Config:    config,
			Check: func(s *terraform.State) error {
				if pending := srv.Faults(); len(pending) > 0 {
					return fmt.Errorf("the fault was never met: %+v", pending)
				}
				groups := groupsOf(srv, "Engineering")
				if len(groups) != 1 {
					return fmt.Errorf("the server holds %d groups named Engineering, want 1: %s", len(groups), jsonText(groups))
				}
				g := groups[0]
				if got := s.RootModule().Resources["scim_provisioned_group.eng"].Primary.ID; got != g["id"] {
					return fmt.Errorf("state tracks %s, the server holds %v", got, g["id"])
				}
				var want []string
				for _, p := range []string{"alice@example.com", "bob@example.com"} {
					u, err := userByName(srv, p)
					if err != nil {
						return err
					}
					want = append(want, u["id"].(string))
				}
				if got := memberIDs(g); !sameSet(got, want) {
					return fmt.Errorf("the group holds %v, want %v", got, want)
				}
				return nil
			},
		}},
	})
}

// groupsOf returns the server's groups named name (case-insensitively).
func groupsOf(srv accountServer, name string) []map[string]any {
	var out []map[string]any
	for _, g := range srv.Groups() {
		if dn, _ := g["displayName"].(string); strings.EqualFold(dn, name) {
			out = append(out, g)
		}
	}
	return out
}

func memberIDs(g map[string]any) []string {
	var out []string
	members, _ := g["members"].([]any)
	for _, m := range members {
		if mm, ok := m.(map[string]any); ok {
			if v, ok := mm["value"].(string); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
