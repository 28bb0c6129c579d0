package scimtarget

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// authenticate checks the Authorization header against the configured bearer
// tokens and basic-auth users. A 401 carries WWW-Authenticate for every
// accepted scheme, as RFC 9110 §11.6.1 requires, plus a SCIM error body.
func (c *call) authenticate() error {
	tokens, users := c.cfg.BearerTokens, c.cfg.BasicUsers
	if len(tokens) == 0 && len(users) == 0 {
		return nil
	}
	h := c.r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(strings.TrimSpace(h), " ")
	cred = strings.TrimSpace(cred)
	badToken := false
	switch {
	case strings.EqualFold(scheme, "Bearer") && len(tokens) > 0:
		for _, tok := range tokens {
			if subtle.ConstantTimeCompare([]byte(cred), []byte(tok)) == 1 {
				return nil
			}
		}
		badToken = true
	case strings.EqualFold(scheme, "Basic") && len(users) > 0:
		if u, p, ok := c.r.BasicAuth(); ok {
			if want, known := users[u]; known && subtle.ConstantTimeCompare([]byte(p), []byte(want)) == 1 {
				return nil
			}
		}
	}
	if len(tokens) > 0 {
		v := `Bearer realm="scim"`
		if badToken {
			v += `, error="invalid_token"`
		}
		c.w.Header().Add("WWW-Authenticate", v)
	}
	if len(users) > 0 {
		c.w.Header().Add("WWW-Authenticate", `Basic realm="scim", charset="UTF-8"`)
	}
	if h == "" {
		return newError(http.StatusUnauthorized, "", "authentication required")
	}
	return newError(http.StatusUnauthorized, "", "invalid credentials")
}
