package codec

import (
	"net"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
)

// Addresses, the Go forms of Python's ipaddress types:
//
//   - a netip.Addr is its text: "192.0.2.1", "2001:db8::1", "fe80::1%eth0";
//   - a netip.Prefix is its text with the host bits kept (an interface
//     address, like IPv4Interface): "192.0.2.10/24";
//   - a net.IP is its text, nil is null and an empty IP is "". A 4-byte
//     IPv4 address is "192.0.2.1" and the 16-byte form of the same address
//     is "::ffff:192.0.2.1", so both keep their length;
//   - a net.IPNet is "IP/bits" with the host bits kept, when its mask is a
//     prefix of the IP's length; any other IPNet is an object of its IP
//     and Mask fields.

func encIP(e *encState, v reflect.Value) error {
	if v.IsNil() {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	s, err := ipText(net.IP(v.Bytes()))
	if err != nil {
		return unsupported(v.Type(), "%v", err)
	}
	e.buf = appendString(e.buf, s)
	return nil
}

// ipText is the text of ip that parseIPText reads back with its length.
func ipText(ip net.IP) (string, error) {
	switch len(ip) {
	case 0:
		return "", nil
	case net.IPv4len:
		return ip.String(), nil
	case net.IPv6len:
		if v4 := ip.To4(); v4 != nil {
			return "::ffff:" + v4.String(), nil
		}
		return ip.String(), nil
	}
	return "", strconv.ErrSyntax // not an IP address
}

func parseIPText(s string) (net.IP, bool) {
	if s == "" {
		return net.IP{}, true
	}
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, false
	}
	if !strings.Contains(s, ":") {
		ip = ip.To4()
	}
	return ip, true
}

func decIP(d *decState, v reflect.Value) error {
	if d.null() {
		v.SetZero()
		return nil
	}
	if d.peek() != '"' {
		return d.typeErr(v.Type(), "IP address string")
	}
	s, err := d.string()
	if err != nil {
		return err
	}
	ip, ok := parseIPText(s)
	if !ok {
		return d.errf("decoding %v: malformed IP address %q", v.Type(), s)
	}
	v.SetBytes(ip)
	return nil
}

// ipNetText returns the "IP/bits" form of n, or false when n needs the
// object form.
func ipNetText(n *net.IPNet) (string, bool) {
	ones, bits := n.Mask.Size()
	if bits == 0 || bits != 8*len(n.IP) {
		return "", false
	}
	ip, err := ipText(n.IP)
	if err != nil {
		return "", false
	}
	return ip + "/" + strconv.Itoa(ones), true
}

func (b *builder) ipNetEnc(t reflect.Type) (encFunc, error) {
	object, err := b.structEnc(t)
	if err != nil {
		return nil, err
	}
	return func(e *encState, v reflect.Value) error {
		n := addressable(v).Interface().(*net.IPNet)
		if s, ok := ipNetText(n); ok {
			e.buf = appendString(e.buf, s)
			return nil
		}
		return object(e, v)
	}, nil
}

func (b *builder) ipNetDec(t reflect.Type) (decFunc, error) {
	object, err := b.structDec(t)
	if err != nil {
		return nil, err
	}
	return func(d *decState, v reflect.Value) error {
		if d.peek() != '"' {
			return object(d, v)
		}
		s, err := d.string()
		if err != nil {
			return err
		}
		addr, bits, _ := strings.Cut(s, "/")
		ip, ok := parseIPText(addr)
		ones, err := strconv.Atoi(bits)
		if !ok || err != nil || len(ip) == 0 || ones < 0 || ones > 8*len(ip) || !allDigits(bits) {
			return d.errf("decoding %v: malformed network %q", v.Type(), s)
		}
		v.Set(reflect.ValueOf(net.IPNet{IP: ip, Mask: net.CIDRMask(ones, 8*len(ip))}))
		return nil
	}, nil
}

func encPrefix(e *encState, v reflect.Value) error {
	p, _ := reflect.TypeAssert[netip.Prefix](v)
	if !p.IsValid() && p != (netip.Prefix{}) {
		return unsupported(v.Type(), "invalid prefix %v cannot be written", p)
	}
	return encTextMarshaler(e, v)
}
