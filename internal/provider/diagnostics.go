package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/openscim/terraform-provider-scim/internal/scim"
)

// All diagnostic texts that describe what an app answered are built here, so
// every resource reports failures the same way: a short Title Case summary,
// then what was being done, what the app answered (status, scimType,
// detail), and what the user can do.

const (
	summaryUnexpectedProviderData = "Unexpected Provider Data"
	summaryRejectedCredentials    = "SCIM App Rejected the Credentials"
	summaryCannotReach            = "Cannot Reach SCIM App"
	summaryInterrupted            = "Interrupted Before the Change Was Made"
	summaryBadAnswer              = "Unexpected Answer From SCIM App"
	summaryAppError               = "SCIM App Returned an Error"
	summaryNotSCIM                = "No SCIM Service at This URL"
)

func clientsFromProviderData(data any, diags *diag.Diagnostics) *clientFactory {
	if data == nil {
		return nil // the provider is not configured yet (validation runs)
	}
	f, ok := data.(*clientFactory)
	if !ok {
		diags.AddError(summaryUnexpectedProviderData,
			fmt.Sprintf("Expected *clientFactory, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return f
}

// appErrorDiagnostic describes a failed call to an app. doing says what was
// being done ("Creating the account for alice@example.com").
func appErrorDiagnostic(clients *clientFactory, doing, baseURL string, err error) diag.Diagnostic {
	var b strings.Builder
	fmt.Fprintf(&b, "%s at %s failed.\n\n", doing, baseURL)
	var respErr *scim.ResponseError
	scimErr, isSCIM := scim.AsError(err)
	switch {
	case isSCIM && scim.IsUnauthorized(err):
		fmt.Fprintf(&b, "The app answered HTTP %d%s.\n\n", scimErr.Status, answerDetail(scimErr))
		fmt.Fprintf(&b, "The provider used %s. Check that the secret is current and has the rights to manage users; "+
			"credentials are matched to an app by the longest `url` prefix of its base URL.", clients.describeCredentials(baseURL))
		return diag.NewErrorDiagnostic(summaryRejectedCredentials, b.String())
	case isSCIM:
		fmt.Fprintf(&b, "The app answered HTTP %d%s.", scimErr.Status, answerDetail(scimErr))
		if scimErr.Snippet != "" {
			fmt.Fprintf(&b, "\n\nThe start of its answer: %s", scimErr.Snippet)
		}
		if scimErr.Status == 404 {
			b.WriteString("\n\nCheck that base_url is the app's SCIM base (the URL that /Users and /ServiceProviderConfig are under).")
		}
		return diag.NewErrorDiagnostic(summaryAppError, b.String())
	case errors.As(err, &respErr):
		fmt.Fprintf(&b, "%v", err)
		return diag.NewErrorDiagnostic(summaryBadAnswer, b.String())
	case errors.Is(err, context.Canceled) && !scim.IsAmbiguous(err):
		// Terraform's stop (Ctrl-C): the request never left, or left
		// and was answered with something that changed nothing.
		fmt.Fprintf(&b, "Terraform was interrupted, and this request changed nothing in the app: it was not sent, or the app "+
			"had refused it before the interrupt (%v). The next `terraform apply` does it.", err)
		return diag.NewErrorDiagnostic(summaryInterrupted, b.String())
	default:
		fmt.Fprintf(&b, "%v\n\nCheck that base_url is right and the app is reachable from where Terraform runs.", err)
		return diag.NewErrorDiagnostic(summaryCannotReach, b.String())
	}
}

func answerDetail(e *scim.Error) string {
	var parts []string
	if e.ScimType != "" {
		parts = append(parts, fmt.Sprintf("scimType %q", e.ScimType))
	}
	if e.Detail != "" {
		parts = append(parts, fmt.Sprintf("detail %q", e.Detail))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

const (
	summaryInvalidMapping      = "Invalid Attribute Mapping"
	summaryMappingNoLongerFits = "Attribute Mapping No Longer Fits the App"
)
