package scimtarget

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// The uniqueness check looks values up in an index kept up to date by
// creates, replacements and deletes; each case is a history of changes
// made in the app, then a new account that must or must not conflict.
func TestUniquenessIndex(t *testing.T) {
	type change func(t *testing.T, tg *Target, ids map[string]string)
	add := func(key string, doc map[string]any) change {
		return func(t *testing.T, tg *Target, ids map[string]string) {
			id, err := tg.AddUser(doc)
			if err != nil {
				t.Fatalf("adding %s: %v", key, err)
			}
			ids[key] = id
		}
	}
	set := func(key, path string, value any) change {
		return func(t *testing.T, tg *Target, ids map[string]string) {
			if err := tg.SetUserAttribute(ids[key], path, value); err != nil {
				t.Fatalf("setting %s of %s: %v", path, key, err)
			}
		}
	}
	del := func(key string) change {
		return func(t *testing.T, tg *Target, ids map[string]string) {
			if err := tg.DeleteUser(ids[key]); err != nil {
				t.Fatalf("deleting %s: %v", key, err)
			}
		}
	}
	user := func(userName string, more ...any) map[string]any {
		doc := map[string]any{"userName": userName}
		for i := 0; i+1 < len(more); i += 2 {
			doc[more[i].(string)] = more[i+1]
		}
		return doc
	}
	cases := []struct {
		name    string
		quirks  Quirks
		history []change
		added   map[string]any
		// conflict is the attribute reported, "" for none.
		conflict string
	}{
		{name: "a new userName", history: []change{add("a", user("alice@example.com"))}, added: user("bob@example.com")},
		{name: "userName taken, in another case", history: []change{add("a", user("alice@example.com"))}, added: user("Alice@Example.COM"), conflict: "userName"},
		{name: "userName taken, Unicode case folding", history: []change{add("a", user("kelvin@example.com"))}, added: user("\u212aelvin@example.com"), conflict: "userName"},
		{name: "userName freed by a rename", history: []change{add("a", user("alice@example.com")), set("a", "userName", "alice.ng@example.com")}, added: user("alice@example.com")},
		{name: "userName taken by a rename", history: []change{add("a", user("alice@example.com")), set("a", "userName", "bob@example.com")}, added: user("bob@example.com"), conflict: "userName"},
		{name: "userName freed by a delete", history: []change{add("a", user("alice@example.com")), add("b", user("bob@example.com")), del("a")}, added: user("alice@example.com")},
		{name: "userName kept by the others after a delete", history: []change{add("a", user("alice@example.com")), add("b", user("bob@example.com")), del("a")}, added: user("BOB@example.com"), conflict: "userName"},
		{name: "externalId shared, not unique in the schema",
			history: []change{add("a", user("alice@example.com", "externalId", "E-1"))}, added: user("bob@example.com", "externalId", "E-1")},
		{name: "externalId shared, unique by quirk", quirks: Quirks{UniqueExternalID: true},
			history: []change{add("a", user("alice@example.com", "externalId", "E-1"))}, added: user("bob@example.com", "externalId", "E-1"), conflict: "externalId"},
		{name: "externalId unique by quirk, compared exactly", quirks: Quirks{UniqueExternalID: true},
			history: []change{add("a", user("alice@example.com", "externalId", "e-1"))}, added: user("bob@example.com", "externalId", "E-1")},
		{name: "externalId freed by a change, unique by quirk", quirks: Quirks{UniqueExternalID: true},
			history: []change{add("a", user("alice@example.com", "externalId", "E-1")), set("a", "externalId", "E-2")}, added: user("bob@example.com", "externalId", "E-1")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg, _ := newTarget(t, Options{BearerTokens: []string{"t"}, Quirks: tc.quirks})
			ids := map[string]string{}
			for _, c := range tc.history {
				c(t, tg, ids)
			}
			_, err := tg.AddUser(tc.added)
			var scimErr *scimError
			switch {
			case tc.conflict == "" && err != nil:
				t.Fatalf("adding %v: %v, want no conflict", tc.added, err)
			case tc.conflict != "" && err == nil:
				t.Fatalf("adding %v succeeded, want a conflict on %s", tc.added, tc.conflict)
			case tc.conflict != "" && (!errors.As(err, &scimErr) || scimErr.scimType != errUniqueness || !strings.Contains(err.Error(), tc.conflict)):
				t.Fatalf("adding %v: %v, want a uniqueness conflict on %s", tc.added, err, tc.conflict)
			}
		})
	}
}

// The index finds a clash among many accounts as a scan would.
func TestUniquenessIndexAmongMany(t *testing.T) {
	tg, _ := newTarget(t, Options{BearerTokens: []string{"t"}})
	for i := range 2000 {
		if _, err := tg.AddUser(map[string]any{"userName": fmt.Sprintf("u%05d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tg.AddUser(map[string]any{"userName": "U01234@EXAMPLE.com"}); err == nil {
		t.Fatal("a userName taken among 2,000 accounts was accepted")
	}
	if n := len(tg.Users()); n != 2000 {
		t.Fatalf("%d accounts, want 2000", n)
	}
}

// foldKey agrees with strings.EqualFold.
func TestFoldKey(t *testing.T) {
	for _, tc := range []struct {
		a, b string
	}{
		{"alice", "ALICE"},
		{"kelvin", "\u212aELVIN"},   // KELVIN SIGN folds to k
		{"\u017ftrasse", "STRASSE"}, // LATIN SMALL LETTER LONG S folds to s
		{"straße", "STRASSE"},       // no simple folding of ß to ss
		{"σς", "ΣΣ"},
		{"a", "b"},
		{"\xff", "\xfe"}, // invalid UTF-8 is U+FFFD to both
	} {
		if got, want := foldKey(tc.a) == foldKey(tc.b), strings.EqualFold(tc.a, tc.b); got != want {
			t.Errorf("foldKey(%q) == foldKey(%q) is %t, strings.EqualFold says %t", tc.a, tc.b, got, want)
		}
	}
}
