from .aligned_refiners import AlignedRefiner, LRConsistencyRefiner, UprightWarp, project_to_lr

__all__ = ['AlignedRefiner', 'LRConsistencyRefiner', 'UprightWarp', 'project_to_lr']
