package main

import (
	"fmt"

	"google.golang.org/protobuf/compiler/protogen"
)

// checkNames fails, with a message that says what to rename, where the Go
// names of file's generated code would clash: two methods of a service whose
// names become the same Go name (say_hello and SayHello), or a generated
// package-level name that a message, enum, enum value, extension or another
// service's glue in the same Go package already has (a message GreeterStub
// next to a service Greeter). grpcio's generator cannot clash that way: it
// writes the stubs into a module of their own, X_pb2_grpc.
//
// Only the .proto files of this protoc run are known: names declared by
// other files of the Go package are not checked.
func checkNames(gen *protogen.Plugin, file *protogen.File) error {
	for _, s := range file.Services {
		byGoName := map[string]*protogen.Method{}
		for _, m := range s.Methods {
			if other, ok := byGoName[m.GoName]; ok {
				return fmt.Errorf("%s: service %s: methods %s and %s both have the Go name %s; rename one of them",
					file.Desc.Path(), s.Desc.FullName(), other.Desc.Name(), m.Desc.Name(), m.GoName)
			}
			byGoName[m.GoName] = m
		}
	}

	// What protoc-gen-go declares in the Go package, then the glue of every
	// service in it, file by file.
	declared := map[string]string{}
	var files []*protogen.File
	for _, f := range gen.Files {
		if f.GoImportPath == file.GoImportPath {
			files = append(files, f)
		}
	}
	for _, f := range files {
		declared[f.GoDescriptorIdent.GoName] = "the descriptor of " + f.Desc.Path()
		addEnums(declared, f.Enums)
		addMessages(declared, f.Messages)
		for _, x := range f.Extensions {
			declared[x.GoIdent.GoName] = fmt.Sprintf("extension %s", x.Desc.FullName())
		}
	}
	for _, f := range files {
		for _, s := range f.Services {
			n := namesOf(f, s)
			names := []string{n.stub, n.newStub, n.servicer, n.unimplemented, n.add}
			for _, m := range s.Methods {
				names = append(names, fullMethodConst(m))
			}
			for _, name := range names {
				if what, ok := declared[name]; ok {
					return fmt.Errorf("%s: service %s needs the Go name %s, which %s already has in Go package %s; rename one of them, or move the service to a .proto file with another go_package",
						f.Desc.Path(), s.Desc.FullName(), name, what, f.GoImportPath)
				}
				declared[name] = fmt.Sprintf("the glue of service %s", s.Desc.FullName())
			}
		}
	}
	return nil
}

func addEnums(declared map[string]string, enums []*protogen.Enum) {
	for _, e := range enums {
		what := fmt.Sprintf("enum %s", e.Desc.FullName())
		declared[e.GoIdent.GoName] = what
		declared[e.GoIdent.GoName+"_name"] = what
		declared[e.GoIdent.GoName+"_value"] = what
		for _, v := range e.Values {
			declared[v.GoIdent.GoName] = fmt.Sprintf("enum value %s", v.Desc.FullName())
		}
	}
}

func addMessages(declared map[string]string, messages []*protogen.Message) {
	for _, m := range messages {
		if m.Desc.IsMapEntry() {
			continue
		}
		declared[m.GoIdent.GoName] = fmt.Sprintf("message %s", m.Desc.FullName())
		for _, o := range m.Oneofs {
			if o.Desc.IsSynthetic() {
				continue
			}
			for _, f := range o.Fields {
				declared[f.GoIdent.GoName] = fmt.Sprintf("the oneof field %s", f.Desc.FullName())
			}
		}
		addEnums(declared, m.Enums)
		addMessages(declared, m.Messages)
		for _, x := range m.Extensions {
			declared[x.GoIdent.GoName] = fmt.Sprintf("extension %s", x.Desc.FullName())
		}
	}
}
