package codec

import "reflect"

// An interface value is null when nil, and otherwise a two-element array of
// the name of its dynamic type and its value, e.g. ["int",1] or
// ["time.Time","2024-05-01T10:00:00Z"], so that it decodes to the same
// dynamic type. See typeName for the names that can be resolved.

func (b *builder) ifaceEnc(reflect.Type) encFunc {
	return func(e *encState, v reflect.Value) error {
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		dyn := v.Elem()
		dt := dyn.Type()
		name, err := e.st.typeName(dt)
		if err != nil {
			return err
		}
		e.buf = append(e.buf, '[')
		e.buf = appendString(e.buf, name)
		e.buf = append(e.buf, ',')
		if err := e.nest(dt); err != nil {
			return err
		}
		if err := e.st.encPlan(dt).fn(e, dyn); err != nil {
			return err
		}
		e.depth--
		e.buf = append(e.buf, ']')
		return nil
	}
}

func (b *builder) ifaceDec(t reflect.Type) decFunc {
	return func(d *decState, v reflect.Value) error {
		if d.null() {
			v.SetZero()
			return nil
		}
		if d.peek() != '[' {
			return d.typeErr(t, "[type name, value] array")
		}
		if more, err := d.open('[', ']'); err != nil || !more {
			if err == nil {
				err = d.errf("decoding %v: empty array", t)
			}
			return err
		}
		if d.peek() != '"' {
			return d.typeErr(t, "type name")
		}
		name, err := d.stringBytes()
		if err != nil {
			return err
		}
		dt, err := d.st.typeByName(string(name))
		if err != nil {
			return err
		}
		if !dt.Implements(t) {
			return d.errf("decoding %v: %v does not implement it", t, dt)
		}
		if err := d.expect(','); err != nil {
			return err
		}
		nv := reflect.New(dt).Elem()
		if err := d.st.decPlan(dt).fn(d, nv); err != nil {
			return err
		}
		if err := d.expect(']'); err != nil {
			return err
		}
		d.leave()
		v.Set(nv)
		return nil
	}
}
