module github.com/iamconsole/console/bench

go 1.26.8

replace github.com/iamconsole/console => ../

require (
	github.com/cedar-policy/cedar-go v1.9.1
	github.com/iamconsole/console v0.0.0-00010101000000-000000000000
	github.com/minio/pkg/v3 v3.1.3
)

require (
	github.com/aclements/go-moremath v0.0.0-20210112150236-f10218a38794 // indirect
	github.com/go-json-experiment/json v1.27.2 // indirect
	github.com/goccy/go-json v0.10.5 // indirect
	github.com/minio/minio-go/v7 v7.0.88 // indirect
	golang.org/x/exp v0.0.0-20260824195058-e88cd73687aa // indirect
	golang.org/x/perf v0.0.0-20260908200009-22c9c6c9d4da // indirect
)

tool golang.org/x/perf/cmd/benchstat
