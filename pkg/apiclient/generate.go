// Package apiclient is a Go client of the broker's HTTP API, generated
// from docs/openapi.yaml (the market tag: the JSON API) by oapi-codegen,
// pinned below. It proves the API description usable: pkg/api's tests
// read and submit through it against a live broker. Regenerate with
// go generate ./pkg/apiclient after changing the description.
package apiclient

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2 -generate types,client -include-tags market -package apiclient -o client.gen.go ../../docs/openapi.yaml
