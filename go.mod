module github.com/grpcio-go/grpcio

go 1.26.8
