package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

func connectedAppConfig(baseURL, token string) string {
	return providerConfig(baseURL, token) + fmt.Sprintf(`
resource "scim_connected_app" "test" {
  name     = "Local target"
  base_url = %q
}
`, baseURL)
}

func TestAccConnectedApp_createImportAndDrift(t *testing.T) {
	target, baseURL := newTestTarget(t)
	addr := "scim_connected_app.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// Destroying the description of an app must not touch the app.
			if n := target.Count("DELETE", ""); n != 0 {
				return fmt.Errorf("destroying a connected app sent %d DELETE requests", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: connectedAppConfig(baseURL, testToken),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
						// The id is the normalised base URL, known at plan time.
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(baseURL)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(baseURL)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("capabilities"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"patch":              knownvalue.Bool(true),
						"filter":             knownvalue.Bool(true),
						"filter_max_results": knownvalue.Int64Exact(200),
						"etag":               knownvalue.Bool(true),
						"bulk":               knownvalue.Bool(false),
						"sort":               knownvalue.Bool(true),
						"change_password":    knownvalue.Bool(false),
						"authentication_schemes": knownvalue.ListExact([]knownvalue.Check{
							knownvalue.StringExact("oauthbearertoken"),
						}),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("user_schema_extensions"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
					})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("discovery_missing"), knownvalue.ListSizeExact(0)),
				},
				Check: func(*terraform.State) error {
					// Create discovered the app and proved the credentials on /Users.
					for _, p := range []string{"/ServiceProviderConfig", "/ResourceTypes", "/Schemas", "/Users"} {
						if target.Count("GET", p) == 0 {
							return fmt.Errorf("create sent no GET %s", p)
						}
					}
					return nil
				},
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           baseURL,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"name"},
			},
			{
				// The app stops advertising PATCH and ETags: refresh records it.
				PreConfig: func() {
					target.SetCapabilities(func(c *scimtarget.Capabilities) { c.Patch = false; c.ETag = false })
				},
				Config: connectedAppConfig(baseURL, testToken),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("capabilities").AtMapKey("patch"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("capabilities").AtMapKey("etag"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

func TestAccConnectedApp_missingDiscoveryUsesDefaults(t *testing.T) {
	_, baseURL := newTestTarget(t, func(o *scimtarget.Options) {
		o.Quirks.MissingDiscovery = []string{"/ResourceTypes", "/Schemas"}
	})
	addr := "scim_connected_app.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: connectedAppConfig(baseURL, testToken),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("discovery_missing"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("/ResourceTypes"), knownvalue.StringExact("/Schemas"),
				})),
				// The RFC's schemas stand in for the missing /Schemas.
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("schemas"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("urn:ietf:params:scim:schemas:core:2.0:Group"),
					knownvalue.StringExact("urn:ietf:params:scim:schemas:core:2.0:User"),
					knownvalue.StringExact(enterpriseURN),
				})),
			},
		}},
	})
}

func TestAccConnectedApp_badCredentials(t *testing.T) {
	_, baseURL := newTestTarget(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      connectedAppConfig(baseURL, "wrong-token"),
			ExpectError: regexpLiteral("SCIM App Rejected the Credentials"),
		}},
	})
}

func TestAccConnectedApp_unreachable(t *testing.T) {
	// A port nothing listens on: the server is started and closed at once.
	_, baseURL := newTestTarget(t)
	_, srv := scimtarget.NewTestServer(t, scimtarget.Options{})
	srv.Close()
	dead := scimtarget.BaseURL(srv)
	_ = baseURL
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      connectedAppConfig(dead, testToken),
			ExpectError: regexpLiteral("Cannot Reach SCIM App"),
		}},
	})
}

// A base URL that serves no SCIM service (a wrong version segment, the
// /Users endpoint itself) fails the plan, before anything is applied.
func TestAccConnectedApp_notASCIMServiceFailsPlan(t *testing.T) {
	t.Parallel()
	for name, suffix := range map[string]string{"wrong path": "/nothing-here", "users endpoint": "/Users"} {
		t.Run(name, func(t *testing.T) {
			target, baseURL := newTestTarget(t)
			wrong := baseURL + suffix
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerConfig(baseURL, testToken) + fmt.Sprintf("resource \"scim_connected_app\" \"test\" {\n  name = \"x\"\n  base_url = %q\n}\n", wrong),
					PlanOnly:    true,
					ExpectError: regexpParts("No SCIM Service at This URL .* answered 404 for /Users"),
				}},
			})
			if w := writeRequests(target); len(w) != 0 {
				t.Errorf("the plan sent writes: %s", describeRequests(w))
			}
		})
	}
}

func TestAccConnectedApp_insecureURLRefusedAtPlan(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "scim_connected_app" "test" {
  name     = "Plain http"
  base_url = "http://scim.example.com/scim/v2"
}
`,
			PlanOnly:    true,
			ExpectError: regexpLiteral("must use https"),
		}},
	})
}
