// Package codec turns Go values into bytes for remote cache backends and
// back.
//
// TODO: sections.
package codec
