package scimtarget_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/openscim/terraform-provider-scim/internal/scimtarget"
)

// A test creates a user through SCIM, an "administrator" edits it behind the
// client's back, and the test inspects what the client did.
func Example() {
	target := scimtarget.New(scimtarget.Options{BearerTokens: []string{"tok"}})
	srv := httptest.NewServer(target.Handler())
	defer srv.Close()
	base := srv.URL + scimtarget.BasePath

	req, _ := http.NewRequest("POST", base+"/Users", strings.NewReader(
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"alice@example.com"}`))
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("ETag"))

	u, _ := target.FindUserByUserName("ALICE@example.com")
	_ = target.SetUserAttribute(u["id"].(string), "title", "Changed in the app")
	u, _ = target.GetUser(u["id"].(string))
	fmt.Println(u["title"], u["meta"].(map[string]any)["version"])
	fmt.Println(target.Count("POST", "/Users"))
	// Output:
	// 201 W/"1"
	// Changed in the app W/"2"
	// 1
}
