// Package jobspec reads a tenant's job spec (job.yaml) and turns it into
// the public auction.Order and the private secrets that travel to the
// winning provider only.
//
// The YAML is strict: an unknown field, a value of the wrong kind or a bad
// unit is an error that names the field and says what is allowed. Sizes
// ("16Gi"), CPU ("2" or "1500m"), versions ("8.0", "12.2"), durations
// ("2h", "30s"), prices (base units "2500000", or "2.5 tokens/h" in whole
// tokens at the token's decimals) and spot checks ("0.1" or "10%" of
// orders, in basis points) are converted exactly, never through floating
// point.
//
// verify asks for the job's result to be checked on distinct providers,
// over the files or directories under /output it names:
//
//	verify: {replicas: 2, paths: [model.json]}      # two providers, every run
//	verify: {spotCheck: 0.1, paths: [model.json]}   # one in ten orders, a secret second run
package jobspec
