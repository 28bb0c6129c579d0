// Package provider implements the Terraform provider "scim": its
// configuration, resources, data sources and list resources. Everything
// that speaks HTTP lives in internal/scim, and what happens to an account
// or a group in an app is decided in internal/lifecycle; this package turns
// plans and state into calls to them, and their results into state and
// diagnostics.
package provider

import (
	"context"
	"fmt"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/openscim/terraform-provider-scim/internal/validators"
)

// RegistryAddress is the provider's address in the Terraform registry. The
// namespace is used everywhere: examples, docs, the demo's dev_overrides.
const RegistryAddress = "registry.terraform.io/openscim/scim"

// EnvCredentials names the environment variable that holds credentials as a
// JSON list of the same shape as the `credentials` attribute, for CI systems
// that inject secrets through the environment.
const EnvCredentials = "SCIM_CREDENTIALS"

var (
	_ provider.Provider                   = (*scimProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*scimProvider)(nil)
	_ provider.ProviderWithListResources  = (*scimProvider)(nil)
)

type scimProvider struct {
	version string
	// getenv reads the environment the provider takes settings from
	// (EnvCredentials).
	getenv func(string) string
	// configured is what Configure gave the resources, for the protocol
	// server's fast paths (fastpath.go); nil until then.
	configured atomic.Pointer[clientFactory]
}

// New returns a constructor for the provider, as providerserver expects,
// reading its settings from the process environment.
func New(version string) func() provider.Provider {
	return NewWithEnv(version, os.Getenv)
}

// NewWithEnv is New with the environment read through getenv, so that
// providers with different environments can run in one process (the
// acceptance tests run in parallel).
func NewWithEnv(version string, getenv func(string) string) func() provider.Provider {
	return func() provider.Provider {
		return &scimProvider{version: version, getenv: getenv}
	}
}

type providerModel struct {
	Credentials       []credentialModel `tfsdk:"credentials"`
	RequestTimeout    types.String      `tfsdk:"request_timeout"`
	MaxRetries        types.Int64       `tfsdk:"max_retries"`
	RequestsPerSecond types.Float64     `tfsdk:"requests_per_second"`
	MaxConcurrency    types.Int64       `tfsdk:"max_concurrency"`
	RetryStatuses     types.List        `tfsdk:"retry_statuses"`
	DeprovisionGuard  *guardModel       `tfsdk:"deprovision_guard"`
}

type guardModel struct {
	MaxAccounts types.Int64 `tfsdk:"max_accounts"`
	MaxPercent  types.Int64 `tfsdk:"max_percent"`
	Approve     types.Map   `tfsdk:"approve"`
}

type credentialModel struct {
	URL         types.String `tfsdk:"url"`
	BearerToken types.String `tfsdk:"bearer_token"`
	Basic       *basicModel  `tfsdk:"basic"`
	OAuth2      *oauth2Model `tfsdk:"oauth2"`
}

type basicModel struct {
	Username types.String `tfsdk:"username"`
	Password types.String `tfsdk:"password"`
}

type oauth2Model struct {
	TokenURL     types.String `tfsdk:"token_url"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	Scopes       []string     `tfsdk:"scopes"`
}

func (p *scimProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "scim"
	resp.Version = p.version
}

func (p *scimProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Provisions people's accounts into SaaS apps over SCIM 2.0 (RFC 7643 / RFC 7644).\n\n" +
			"Credentials live here, never in resource state: each entry is matched to a connected app by its base URL, " +
			"the longest matching `url` prefix winning, the way the Terraform CLI keys credentials by host. " +
			"Entries can also come from the `" + EnvCredentials + "` environment variable (a JSON list of objects with the same " +
			"attribute names); an entry in the configuration wins over one from the environment for the same `url`. " +
			"Rotating a secret changes no resource and shows no diff.",
		Attributes: map[string]schema.Attribute{
			"credentials": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "Credentials for SCIM apps, matched to a connected app's `base_url` by the longest `url` prefix " +
					"(whole path segments only). Exactly one of `bearer_token`, `basic` or `oauth2` per entry. " +
					"Also settable as JSON in the `" + EnvCredentials + "` environment variable. Default none: an app no entry " +
					"matches is called without credentials.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"url": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "Base URL prefix these credentials apply to, e.g. `https://api.slack.com/scim/v2`.",
							Validators:          []validator.String{validators.AbsoluteURL(false)},
						},
						"bearer_token": schema.StringAttribute{
							Optional:            true,
							Sensitive:           true,
							MarkdownDescription: "A static bearer token, sent as `Authorization: Bearer <token>`.",
							Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"basic": schema.SingleNestedAttribute{
							Optional:            true,
							MarkdownDescription: "HTTP basic authentication.",
							Attributes: map[string]schema.Attribute{
								"username": schema.StringAttribute{
									Required:            true,
									MarkdownDescription: "User name.",
									Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
								},
								"password": schema.StringAttribute{
									Required:            true,
									Sensitive:           true,
									MarkdownDescription: "Password.",
								},
							},
						},
						"oauth2": schema.SingleNestedAttribute{
							Optional:            true,
							MarkdownDescription: "OAuth 2.0 client credentials grant (RFC 6749 §4.4); the token is fetched when first needed and refreshed before it expires.",
							Attributes: map[string]schema.Attribute{
								"token_url": schema.StringAttribute{
									Required:            true,
									MarkdownDescription: "The token endpoint. Must be https (the client secret is sent to it), except for loopback addresses.",
									Validators:          []validator.String{validators.AbsoluteURL(true)},
								},
								"client_id": schema.StringAttribute{
									Required:            true,
									MarkdownDescription: "Client identifier.",
									Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
								},
								"client_secret": schema.StringAttribute{
									Required:            true,
									Sensitive:           true,
									MarkdownDescription: "Client secret.",
									Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
								},
								"scopes": schema.ListAttribute{
									Optional:            true,
									ElementType:         types.StringType,
									MarkdownDescription: "Scopes to request.",
								},
							},
						},
					},
				},
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
			},
			"request_timeout": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Timeout of one HTTP attempt, as a Go duration (`30s`, `2m`). Default `" + defaultRequestTimeout.String() + "`.",
				Validators:          []validator.String{validators.Duration()},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How many times a call is retried after a 429, 502, 503, 504, a status in `retry_statuses` or a connection error " +
					"(honouring `Retry-After`, waiting at most 30 seconds at a time and at most 2 minutes per call in all). " +
					"Default `4`; `0` disables retries. A create whose outcome is unknown is never retried blindly: the account is looked up first.",
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"requests_per_second": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: "A fixed client-side rate limit per app, in requests per second. Default `0`: no fixed limit; " +
					"the provider paces itself by what each app says instead, pausing all requests to an app for as long as it asks " +
					"(`Retry-After` on 429 or 503, `X-RateLimit-Remaining: 0` or `RateLimit-Remaining: 0` until the window's reset) " +
					"and retrying what was refused. Set it for an app that throttles without saying so.",
				Validators: []validator.Float64{float64validator.AtLeast(0)},
			},
			"retry_statuses": schema.ListAttribute{
				Optional:    true,
				ElementType: types.Int64Type,
				MarkdownDescription: "Further HTTP statuses to retry like 429 and 503, for apps that signal throttling with another status " +
					"(some large SaaS SCIM APIs answer `500` with a rate-limit error code): `retry_statuses = [500]`. Applies to every app, " +
					"with the same backoff, `Retry-After` and `max_retries`, and only to requests that are safe to repeat (reads, PATCH, " +
					"PUT, DELETE): a create answered with one of them is never re-sent. Statuses 400 to 599, except 401, 403, 404, 409 and " +
					"412, which a repetition cannot change. Default none.",
				Validators: []validator.List{listvalidator.ValueInt64sAre(int64validator.Between(400, 599), int64validator.NoneOf(401, 403, 404, 409, 412))},
			},
			"max_concurrency": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Maximum number of requests in flight to one app at a time. Default `4`.",
				Validators:          []validator.Int64{int64validator.Between(1, 64)},
			},
			"deprovision_guard": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("The guard against mass deprovisioning, on by default: a plan that would deactivate or delete "+
					"more than `max_accounts` of one app's accounts and more than `max_percent` of them (a removal from the configuration, "+
					"`active = false`, `terraform destroy`) fails with an error that names the app and the count, until that many are "+
					"approved for the app, here in `approve` or for one command in `%s` (`<base_url>=<count>`, comma-separated). "+
					"The share is of the active accounts the app holds (all of them where it cannot filter by `active`).", EnvApproveDeprovisioning),
				Attributes: map[string]schema.Attribute{
					"max_accounts": schema.Int64Attribute{
						Optional:            true,
						MarkdownDescription: fmt.Sprintf("Deprovisions of one app that never need approval. Default `%d`.", defaultGuardMaxAccounts),
						Validators:          []validator.Int64{int64validator.AtLeast(0)},
					},
					"max_percent": schema.Int64Attribute{
						Optional: true,
						MarkdownDescription: fmt.Sprintf("Share of an app's accounts, in percent, that may be deprovisioned in one run without "+
							"approval once `max_accounts` is passed. Default `%d`.", defaultGuardMaxPercent),
						Validators: []validator.Int64{int64validator.Between(0, 100)},
					},
					"approve": schema.MapAttribute{
						Optional:    true,
						ElementType: types.Int64Type,
						MarkdownDescription: "Approvals for this run, by the app's `base_url`: up to that many deprovisions of the app pass " +
							"the guard. Reviewable in the configuration; remove it after the run.",
						Validators: []validator.Map{mapvalidator.ValueInt64sAre(int64validator.AtLeast(0))},
					},
				},
			},
		},
	}
}

const (
	defaultRequestTimeout    = 30 * time.Second
	defaultMaxRetries        = 4
	defaultRequestsPerSecond = 0
	defaultMaxConcurrency    = 4
)

// ValidateConfig checks that each credentials entry names exactly one kind
// of authentication, with a message that says which entry and what it has.
func (p *scimProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for i, c := range cfg.Credentials {
		var kinds []string
		unknown := c.BearerToken.IsUnknown()
		if !c.BearerToken.IsNull() {
			kinds = append(kinds, "bearer_token")
		}
		if c.Basic != nil {
			kinds = append(kinds, "basic")
		}
		if c.OAuth2 != nil {
			kinds = append(kinds, "oauth2")
		}
		if len(kinds) == 1 || (unknown && len(kinds) <= 1) {
			continue
		}
		found := "none of them"
		if len(kinds) > 1 {
			found = strings.Join(kinds, " and ")
		}
		resp.Diagnostics.AddAttributeError(path.Root("credentials").AtListIndex(i), "Invalid Credentials Entry",
			fmt.Sprintf("The credentials entry for %s must set exactly one of bearer_token, basic or oauth2; it sets %s.",
				c.URL.ValueString(), found))
	}
}

func (p *scimProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	settings := clientSettings{
		timeout:           defaultRequestTimeout,
		maxRetries:        defaultMaxRetries,
		requestsPerSecond: defaultRequestsPerSecond,
		maxConcurrency:    defaultMaxConcurrency,
	}
	if v := cfg.RequestTimeout; !v.IsNull() && !v.IsUnknown() {
		d, err := time.ParseDuration(v.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("request_timeout"), "Invalid Request Timeout", err.Error())
			return
		}
		settings.timeout = d
	}
	if v := cfg.MaxRetries; !v.IsNull() && !v.IsUnknown() {
		settings.maxRetries = int(v.ValueInt64())
	}
	if v := cfg.RequestsPerSecond; !v.IsNull() && !v.IsUnknown() {
		settings.requestsPerSecond = v.ValueFloat64()
	}
	if v := cfg.MaxConcurrency; !v.IsNull() && !v.IsUnknown() {
		settings.maxConcurrency = int(v.ValueInt64())
	}
	if v := cfg.RetryStatuses; !v.IsNull() && !v.IsUnknown() {
		var statuses []int64
		resp.Diagnostics.Append(v.ElementsAs(ctx, &statuses, false)...)
		for _, st := range statuses {
			settings.retryStatuses = append(settings.retryStatuses, int(st))
		}
	}

	guard, diags := guardFromConfig(ctx, cfg.DeprovisionGuard, p.getenv(EnvApproveDeprovisioning))
	resp.Diagnostics.Append(diags...)
	settings.guard = guard
	creds, diags := credentialsFromConfig(cfg.Credentials)
	resp.Diagnostics.Append(diags...)
	envCreds, err := credentialsFromEnv(p.getenv(EnvCredentials))
	if err != nil {
		resp.Diagnostics.AddError("Invalid "+EnvCredentials+" Environment Variable", err.Error())
	}
	if resp.Diagnostics.HasError() {
		return
	}

	clients := newClientFactory(mergeCredentials(creds, envCreds), settings, p.version)
	p.configured.Store(clients)
	resp.ResourceData = clients
	resp.DataSourceData = clients
	resp.ListResourceData = clients
	resp.ActionData = clients
}

// Actions are invoked with `terraform apply -invoke` (Terraform 1.14).
func (p *scimProvider) Actions(_ context.Context) []func() action.Action {
	return []func() action.Action{NewDeprovisionAction}
}

func (p *scimProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewConnectedAppResource,
		NewAttributeMappingResource,
		NewProvisionedGroupResource,
		NewGroupMemberResource,
		NewProvisionedUserResource,
	}
}

// ListResources are for `terraform query` (Terraform 1.14 and later).
func (p *scimProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		NewUsersListResource,
		NewGroupsListResource,
	}
}

func (p *scimProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewUsersDataSource,
		NewUserDataSource,
		NewGroupsDataSource,
		NewGroupDataSource,
	}
}
