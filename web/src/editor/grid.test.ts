import { describe, expect, it } from "vitest";

import { clampBox, columnsAt, freeSpot, moveBox, pushDown, rowsAt, type Box } from "./grid";

const box = (left: number, right: number, top: number, bottom: number): Box => ({ left, right, top, bottom });

describe("snapping to the grid", () => {
  it("turns pixels into the nearest whole column of a container and rows of 10 px", () => {
    expect(columnsAt(0, 640)).toBe(0);
    expect(columnsAt(104, 640)).toBe(10);
    expect(columnsAt(106, 640)).toBe(11);
    expect(rowsAt(44)).toBe(4);
    expect(rowsAt(46)).toBe(5);
  });

  it("keeps a box inside the 64 columns and below the first row, at its size", () => {
    expect(clampBox(box(60, 70, -3, 2))).toEqual(box(54, 64, 0, 5));
    expect(clampBox(box(-4, 6, 3, 3))).toEqual(box(0, 10, 3, 4));
  });

  it("nudges by whole cells without leaving the grid", () => {
    expect(moveBox(box(0, 10, 0, 4), 1, 1)).toEqual(box(1, 11, 1, 5));
    expect(moveBox(box(0, 10, 0, 4), -1, -1)).toEqual(box(0, 10, 0, 4));
  });
});

describe("collisions push widgets down", () => {
  it("moves a widget that the placed one covers to just below it", () => {
    const moved = pushDown(
      [
        { id: "placed", box: box(0, 20, 0, 10) },
        { id: "below", box: box(10, 30, 5, 12) },
      ],
      new Set(["placed"]),
    );
    expect(moved.get("below")).toEqual(box(10, 30, 10, 17));
  });

  it("cascades: a pushed widget pushes the ones it then covers", () => {
    const moved = pushDown(
      [
        { id: "placed", box: box(0, 64, 0, 10) },
        { id: "a", box: box(0, 20, 8, 14) },
        { id: "b", box: box(0, 20, 14, 20) },
      ],
      new Set(["placed"]),
    );
    expect(moved.get("a")).toEqual(box(0, 20, 10, 16));
    expect(moved.get("b")).toEqual(box(0, 20, 16, 22));
  });

  it("leaves widgets that do not collide where they are", () => {
    const moved = pushDown(
      [
        { id: "placed", box: box(0, 20, 0, 10) },
        { id: "beside", box: box(20, 40, 0, 10) },
        { id: "far", box: box(0, 20, 30, 40) },
      ],
      new Set(["placed"]),
    );
    expect(moved.size).toBe(0);
  });
});

describe("adding without a position", () => {
  it("puts the widget below everything at the left", () => {
    expect(freeSpot([box(0, 10, 0, 12), box(30, 40, 4, 20)], 16, 4)).toEqual(box(0, 16, 20, 24));
  });
});
