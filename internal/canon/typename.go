package canon

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
)

var typeNames sync.Map // reflect.Type → string

// AppendType appends the tag of a dynamic type, as typed encodings write it.
func AppendType(b []byte, t reflect.Type) []byte {
	return appendRaw(append(b, tagType), typeName(t))
}

// typeName identifies a type across processes: a defined type by its
// package path and name (whose type arguments the runtime writes with their
// package paths), an unnamed type by its literal form built from the names
// of its parts.
func typeName(t reflect.Type) string {
	if s, ok := typeNames.Load(t); ok {
		if name, ok := s.(string); ok {
			return name
		}
	}
	var sb strings.Builder
	writeType(&sb, t)
	name := sb.String()
	typeNames.Store(t, name)
	return name
}

func writeType(sb *strings.Builder, t reflect.Type) {
	if t.Name() != "" {
		if t.PkgPath() != "" {
			sb.WriteString(t.PkgPath())
			sb.WriteByte('.')
		}
		sb.WriteString(t.Name())
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		sb.WriteByte('*')
		writeType(sb, t.Elem())
	case reflect.Slice:
		sb.WriteString("[]")
		writeType(sb, t.Elem())
	case reflect.Array:
		sb.WriteString("[" + strconv.Itoa(t.Len()) + "]")
		writeType(sb, t.Elem())
	case reflect.Map:
		sb.WriteString("map[")
		writeType(sb, t.Key())
		sb.WriteByte(']')
		writeType(sb, t.Elem())
	case reflect.Struct:
		sb.WriteString("struct {")
		for i := range t.NumField() {
			f := t.Field(i)
			sb.WriteByte(' ')
			if f.Anonymous {
				sb.WriteString("embedded ")
			}
			if f.PkgPath != "" {
				sb.WriteString(f.PkgPath + ".")
			}
			sb.WriteString(f.Name + " ")
			writeType(sb, f.Type)
			if f.Tag != "" {
				sb.WriteString(" " + strconv.Quote(string(f.Tag)))
			}
			sb.WriteByte(';')
		}
		sb.WriteString(" }")
	default: // functions, channels and interfaces: as the runtime names them
		sb.WriteString(t.String())
	}
}
