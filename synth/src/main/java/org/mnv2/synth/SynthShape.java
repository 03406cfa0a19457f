package org.mnv2.synth;

/** The outline of a synthetic object class; squares and triangles are drawn rotated. */
public enum SynthShape {
  /** A filled circle. */
  DISC,
  /** A filled square, rotated by a random angle. */
  SQUARE,
  /** A filled equilateral triangle, rotated by a random angle. */
  TRIANGLE
}
