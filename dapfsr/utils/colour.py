"""Colour facts, written once."""

# ITU-R BT.601 luma weights of R, G, B: gray = 0.299 R + 0.587 G + 0.114 B (MATLAB's rgb2gray,
# OpenCV's RGB2GRAY); the gray of every metric, photo and transform
BT601_LUMA = (0.299, 0.587, 0.114)
