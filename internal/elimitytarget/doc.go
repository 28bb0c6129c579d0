// Package elimitytarget runs a SCIM 2.0 service provider that this project
// did not write: the protocol side is the Go library
// github.com/elimity-com/scim (routing, schema validation of POST/PUT bodies,
// filter parsing and validation, PATCH parsing and validation, list
// responses, the discovery endpoints /ServiceProviderConfig, /ResourceTypes
// and /Schemas, error bodies, Location and meta). This package only adds
// what that library leaves to its user:
//
//   - a ResourceHandler that stores Users in memory (the core User schema and
//     the enterprise User extension, both as the library defines them);
//   - the application of the PATCH operations the library has parsed and
//     validated (the library hands them to the handler), following RFC 7644
//     §3.5.2 plainly, using the library's filter package to select
//     elements of multi-valued attributes;
//   - the evaluation of list filters, with the library's own filter.Validator;
//   - bearer-token authentication and a request log wrapped around the
//     library's http.Handler;
//   - Go methods for out-of-band edits, as if an administrator changed an
//     account in the app (set an attribute, deactivate, delete, add), and to
//     read what the server stores.
//
// Why: internal/scimtarget, the project's own local target, was written by
// the same people who wrote the provider, so it shares their reading of the
// RFCs. The acceptance tests that run against this package find out where
// an independent implementation reads them differently. The handler is
// therefore kept a thin, honest store: it does not re-implement protocol
// behaviour the library leaves out (for example the "attributes" query
// parameter, which the library neither applies nor rejects: see
// TestAttributesParameterIgnored and TestLibraryBehaviourRecorded) and does
// not smooth over what the
// library does, so that what the provider has to survive is the library's
// behaviour, not ours.
//
// Everything listens on 127.0.0.1 only.
package elimitytarget
