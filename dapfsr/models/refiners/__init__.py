from .aligned_refiners import AlignedRefiner, LRConsistencyRefiner, UprightWarp, project_to_lr, split_lr_band

__all__ = ['AlignedRefiner', 'LRConsistencyRefiner', 'UprightWarp', 'project_to_lr', 'split_lr_band']
